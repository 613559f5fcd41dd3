import * as core from '@actions/core';
import { MODES, type Mode } from '../src/config/presets.js';
import { DEFAULT_CONFIG_PATH } from '../src/config/load.js';
import { DEFAULT_STATE_BRANCH } from '../src/state/github.js';
import { formatDuration, parseDuration } from '../src/util/duration.js';

/** The inputs of action.yml, as GitHub passes them (strings). */
export interface Inputs {
  config: string;
  'github-token': string;
  mode: string;
  watch: string;
  'dry-run': string;
  'state-branch': string;
}

/** The inputs parsed into types, validated once. */
export interface ActionOptions {
  configPath: string;
  /** Whether `config` was set explicitly (then a missing file is an error, not the seed's variables). */
  configExplicit: boolean;
  token: string;
  mode?: Mode;
  /** Keep sweeping inside the job for this long (ms); 0 = one sweep. */
  watchMs: number;
  dryRun: boolean;
  stateBranch: string;
}

/** A job may run 6 hours; the watch leaves room for the rest of it. */
export const MAX_WATCH_MS = 5 * 3_600_000 + 50 * 60_000;

/** An input's value is wrong; the message names the input, the value and what to write. */
export class InputError extends Error {
  override name = 'InputError';
}

/** How inputs are read: @actions/core's `getInput` and `getBooleanInput` (tests may pass their own). */
export interface InputReader {
  getInput(name: string): string;
  getBooleanInput(name: string): boolean;
}

type Parser = (raw: string, read: InputReader) => Partial<ActionOptions>;

/** Every input's parser: a `Record` over the keys, so adding one to `Inputs` without parsing it does not compile. */
const PARSERS: Record<keyof Inputs, Parser> = {
  config: (raw) => ({
    configPath: raw.trim() || DEFAULT_CONFIG_PATH,
    configExplicit: raw.trim() !== '' && raw.trim() !== DEFAULT_CONFIG_PATH,
  }),
  'github-token': (raw) => {
    if (!raw.trim())
      throw new InputError(
        'Input github-token is empty. Leave it unset (it defaults to ${{ github.token }}) or pass a token.',
      );
    return { token: raw.trim() };
  },
  mode: (raw) => {
    const value = raw.trim().toLowerCase();
    if (!value) return {};
    if (!(MODES as readonly string[]).includes(value))
      throw new InputError(
        `Input mode: "${raw}" is not a mode; use ${MODES.join(' or ')}, or leave it empty.`,
      );
    return { mode: value as Mode };
  },
  watch: (raw) => {
    const ms = parseDuration(raw.trim() || '0');
    if (ms === undefined)
      throw new InputError(`Input watch: "${raw}" is not a duration; write e.g. 4m, 90s or 0 (one sweep).`);
    if (ms > MAX_WATCH_MS)
      throw new InputError(
        `Input watch: ${raw} is longer than a job may run; use at most ${formatDuration(MAX_WATCH_MS)}.`,
      );
    return { watchMs: ms };
  },
  'dry-run': (raw, read) => {
    if (!raw) return { dryRun: false };
    try {
      return { dryRun: read.getBooleanInput('dry-run') };
    } catch {
      throw new InputError(`Input dry-run: "${raw}" is not true or false; write true or false.`);
    }
  },
  'state-branch': (raw) => {
    const branch = raw.trim() || DEFAULT_STATE_BRANCH;
    if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..'))
      throw new InputError(`Input state-branch: "${raw}" is not a branch name.`);
    return { stateBranch: branch };
  },
};

/** Reads and validates every input through `read` (@actions/core in the Action). */
export function readInputs(read: InputReader = core): ActionOptions {
  const options: Partial<ActionOptions> = {};
  for (const name of Object.keys(PARSERS) as Array<keyof Inputs>)
    Object.assign(options, PARSERS[name](read.getInput(name), read));
  return options as ActionOptions;
}

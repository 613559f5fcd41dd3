import { parseArgs } from 'node:util';
import { MODES, type Mode } from '../src/config/presets.js';
import { parseDuration } from '../src/util/duration.js';

/** A mistake on the command line: the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Default place of the local state file. */
export const DEFAULT_STATE_PATH = '.uptime/state.json';

/** The parsed command line. */
export interface CliArgs {
  command: string;
  /** Arguments after the command, e.g. the service of `restart <service>`. */
  positionals: string[];
  /** `--config`; undefined = the default `.github/uptime.yml` (falling back to the seed's variables). */
  config?: string;
  mode?: Mode;
  state: string;
  json: boolean;
  dryRun: boolean;
  verbose: boolean;
  /** `--duration` of `watch`, in ms. */
  durationMs?: number;
  /** `site --out <dir>`, `site --title`, `badges --base-url <url>`, `notify --test` (cli/commands/site.ts, badges.ts, notify.ts). */
  out?: string;
  title?: string;
  baseUrl?: string;
  test: boolean;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  mode: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  duration: { type: 'string', short: 'd' },
  out: { type: 'string' },
  title: { type: 'string' },
  'base-url': { type: 'string' },
  test: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses argv (without `node` and the script) with node:util parseArgs. @throws UsageError */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error: unknown) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command = values.version ? 'version' : 'help', ...rest] = positionals;
  let mode: Mode | undefined;
  if (values.mode !== undefined) {
    if (!(MODES as readonly string[]).includes(values.mode)) {
      throw new UsageError(`--mode "${values.mode}" is not a mode; use ${MODES.join(' or ')}.`);
    }
    mode = values.mode as Mode;
  }
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    durationMs = parseDuration(values.duration);
    if (durationMs === undefined || durationMs <= 0) {
      throw new UsageError(`--duration "${values.duration}" is not a duration; use e.g. 30s, 2m or 1h.`);
    }
  }
  return {
    command,
    positionals: rest,
    config: values.config,
    mode,
    state: values.state ?? DEFAULT_STATE_PATH,
    json: values.json ?? false,
    dryRun: values['dry-run'] ?? false,
    verbose: values.verbose ?? false,
    durationMs,
    out: values.out,
    title: values.title,
    baseUrl: values['base-url'],
    test: values.test ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

import { parseArgs } from 'node:util';
import { MODES, type Mode } from '../src/config/presets.js';
import { parseDuration } from '../src/util/duration.js';

/** A mistake on the command line: the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  /** The command whose `--help` the message points to; undefined = the global help. */
  readonly command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
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
  /** `watch --site <dir>`: keep the status site in this folder up to date. */
  site?: string;
  /** `watch --listen [host:]port`: serve heartbeat pings and platform events. */
  listen?: string;
  /** `init --service name=url` (repeatable). */
  services: string[];
  /** `init --provider`. */
  provider?: string;
  /** `init --service-id` (repeatable, one per `--service`): the platform's service ID or app name. */
  serviceIds: string[];
  /** `init --environment-id`: Railway's environment. */
  environmentId?: string;
  /** `init --restart` / `--redeploy` (repeatable, one per `--service`): the command provider's commands. */
  restartCommands: string[];
  redeployCommands: string[];
  /** `init --webhook-url` (repeatable, one per `--service`): the webhook provider's URL. */
  webhookUrls: string[];
  /** `restart`/`redeploy`/`rollback --reason`: why a person forced it (recorded with the attempt). */
  reason?: string;
  /** `init --schedule` (a cron expression). */
  schedule?: string;
  /** `init --force`: overwrite existing files; `restart --force`: past the restart budget. */
  force: boolean;
  /** `site --out <dir>`, `site --title`, `badges --base-url <url>`, `notify --test` (cli/commands/site.ts, badges.ts, notify.ts). */
  out?: string;
  title?: string;
  baseUrl?: string;
  test: boolean;
  help: boolean;
  version: boolean;
}

/** Every option any command knows; each command accepts only its own (see `COMMAND_OPTIONS`). */
export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  mode: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  duration: { type: 'string', short: 'd' },
  site: { type: 'string' },
  listen: { type: 'string' },
  service: { type: 'string', multiple: true },
  provider: { type: 'string' },
  'service-id': { type: 'string', multiple: true },
  'environment-id': { type: 'string' },
  restart: { type: 'string', multiple: true },
  redeploy: { type: 'string', multiple: true },
  'webhook-url': { type: 'string', multiple: true },
  reason: { type: 'string' },
  schedule: { type: 'string' },
  force: { type: 'boolean' },
  out: { type: 'string' },
  title: { type: 'string' },
  'base-url': { type: 'string' },
  test: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** An option's name as written in `OPTIONS`. */
export type OptionName = keyof typeof OPTIONS;

/** The options each command accepts (besides `--help`). Anything else is a usage error naming the command. */
export const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  check: ['config', 'mode', 'json', 'verbose'],
  sweep: ['config', 'mode', 'state', 'json', 'dry-run', 'verbose'],
  watch: ['config', 'mode', 'state', 'duration', 'site', 'listen', 'dry-run', 'verbose'],
  status: ['config', 'mode', 'state', 'json'],
  restart: ['config', 'state', 'dry-run', 'force', 'reason', 'verbose'],
  redeploy: ['config', 'state', 'dry-run', 'force', 'reason', 'verbose'],
  rollback: ['config', 'state', 'dry-run', 'force', 'reason', 'verbose'],
  doctor: ['config', 'json', 'verbose'],
  'events-path': [],
  init: [
    'service',
    'provider',
    'service-id',
    'environment-id',
    'restart',
    'redeploy',
    'webhook-url',
    'schedule',
    'force',
  ],
  site: ['config', 'state', 'out', 'title'],
  badges: ['config', 'base-url'],
  notify: ['config', 'test', 'verbose'],
  demo: ['verbose'],
  worker: ['config', 'state', 'duration', 'verbose'],
  help: [],
  version: [],
};

/**
 * Parses argv (without `node` and the script) with node:util parseArgs, then checks that every option given
 * applies to the command. @throws UsageError with the command's `--help` as the pointer
 */
export function parseCliArgs(argv: string[]): CliArgs {
  const first = argv.find((a) => !a.startsWith('-'));
  const known = first !== undefined && first in COMMAND_OPTIONS ? first : undefined;
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error: unknown) {
    throw new UsageError(describeParseError(error, known), known);
  }
  const { values, positionals, tokens } = parsed;
  const [command = values.version ? 'version' : 'help', ...rest] = positionals;
  if (!values.help) checkOptionsApply(command, tokens);
  return {
    command,
    positionals: rest,
    config: values.config,
    mode: parseMode(values.mode, command),
    state: values.state ?? DEFAULT_STATE_PATH,
    json: values.json ?? false,
    dryRun: values['dry-run'] ?? false,
    verbose: values.verbose ?? false,
    durationMs: parseDurationOption(values.duration, command),
    site: values.site,
    listen: values.listen,
    services: values.service ?? [],
    provider: values.provider,
    serviceIds: values['service-id'] ?? [],
    environmentId: values['environment-id'],
    restartCommands: values.restart ?? [],
    redeployCommands: values.redeploy ?? [],
    webhookUrls: values['webhook-url'] ?? [],
    reason: values.reason,
    schedule: values.schedule,
    force: values.force ?? false,
    out: values.out,
    title: values.title,
    baseUrl: values['base-url'],
    test: values.test ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** @throws UsageError when an option given does not apply to `command` (`--help` and `--version` always do). */
function checkOptionsApply(command: string, tokens: ReadonlyArray<{ kind: string; name?: string }>): void {
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) return;
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === 'help' || token.name === 'version') continue;
    if (!allowed.includes(token.name as OptionName)) {
      throw new UsageError(
        `${command}: option --${token.name} does not apply to ${command}; see uptime-action ${command} --help`,
        command,
      );
    }
  }
}

function parseMode(value: string | undefined, command: string): Mode | undefined {
  if (value === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: --mode "${value}" is not a mode; use ${MODES.join(' or ')}.`, command);
  }
  return value as Mode;
}

function parseDurationOption(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(
      `${command}: --duration "${value}" is not a duration; use e.g. 30s, 2m or 1h.`,
      command,
    );
  }
  return ms;
}

/** parseArgs's errors in the CLI's words: `check: unknown option --bogus; see uptime-action check --help`. */
function describeParseError(error: unknown, command: string | undefined): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const prefix = command ? `${command}: ` : '';
  const help = command ? `uptime-action ${command} --help` : 'uptime-action --help';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${prefix}unknown option ${quoted}; see ${help}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--[\w-]+/.exec(message)?.[0] ?? quoted;
    return OPTIONS[name.slice(2) as OptionName]?.type === 'boolean'
      ? `${prefix}option ${name} takes no value; see ${help}`
      : `${prefix}option ${name} needs a value; see ${help}`;
  }
  return `${prefix}${message.split('\n')[0]}; see ${help}`;
}

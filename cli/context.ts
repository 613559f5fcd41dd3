import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../src/config/errors.js';
import { DEFAULT_CONFIG_PATH, loadConfig, type LoadOptions } from '../src/config/load.js';
import type { Config, ServiceConfig } from '../src/config/schema.js';
import type { Logger } from '../src/util/logger.js';
import { UsageError, type CliArgs } from './args.js';
import type { CliIO } from './io.js';
import { stamp } from './print.js';

/** What every command gets. */
export interface CommandContext {
  args: CliArgs;
  io: CliIO;
  logger: Logger;
  now: () => number;
}

/** A command: returns the exit code. */
export type Command = (ctx: CommandContext) => Promise<number>;

/**
 * The config of `--config`, else `.github/uptime.yml`, else the seed's variables (BACKEND_URL, COQUI_API_URL),
 * through `load` (default the whole config; `site` passes `loadSiteConfig`). @throws ConfigError (exit 2)
 */
export async function loadCliConfig(
  ctx: CommandContext,
  load: (options: LoadOptions) => Promise<Config> = loadConfig,
): Promise<Config> {
  const explicit = ctx.args.config !== undefined;
  const path = ctx.args.config ?? (ctx.io.cwd ? join(ctx.io.cwd, DEFAULT_CONFIG_PATH) : DEFAULT_CONFIG_PATH);
  // A file named on the command line must exist: a typo never silently falls back to the seed's variables.
  if (explicit && !existsSync(path)) {
    throw new ConfigError(path, [
      {
        path: '',
        message: 'the file does not exist.',
        fix: `check the path given to --config, or leave --config out to use ${DEFAULT_CONFIG_PATH}.`,
      },
    ]);
  }
  const config = await load({ path, explicit, env: ctx.io.env });
  // Valid but probably a mistake (`timeout: 10` is 10 ms): said on stderr, as the Action annotates them.
  for (const w of config.warnings ?? [])
    ctx.io.err(`⚠️  ${w.path}: ${w.message.replace(/^[^:]+: /, '')}${w.fix ? ` Fix: ${w.fix}` : ''}`);
  return config;
}

/** Logs go to stderr (stdout stays clean for `--json`), stamped, through the IO's redactor. */
export function cliLogger(io: CliIO, options: { debug: boolean; now: () => number }): Logger {
  const line = (level: string, message: string) => `[${stamp(options.now())}] ${level}${message}`;
  return {
    debug: (m) => {
      if (options.debug) io.err(line('debug: ', m));
    },
    info: (m) => io.err(line('', m)),
    warn: (m) => io.err(line('⚠️  ', m)),
    error: (m) => io.err(line('❌ ', m)),
  };
}

/** The service named on the command line. @throws UsageError listing the known services (exit 2). */
export function requireService(config: Config, name: string | undefined, command: string): ServiceConfig {
  const known = Object.keys(config.services).join(', ');
  if (!name)
    throw new UsageError(
      `${command} needs a service: uptime-action ${command} <service>. Known services: ${known}.`,
    );
  // Own keys only: `constructor` or `toString` must not find Object.prototype's members.
  const service = Object.hasOwn(config.services, name) ? config.services[name] : undefined;
  if (!service) {
    throw new UsageError(`Unknown service "${name}" in ${config.source}. Known services: ${known}.`);
  }
  return service;
}

/** Commands that take no arguments refuse stray ones (`check api` is not a thing). @throws UsageError */
export function rejectPositionals(ctx: CommandContext): void {
  const extra = ctx.args.positionals;
  if (extra.length === 0) return;
  const command = ctx.args.command;
  throw new UsageError(
    `${command}: unexpected argument "${extra[0]}"; ${command} checks every service of the config. See uptime-action ${command} --help`,
    command,
  );
}

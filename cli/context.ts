import { loadConfig } from '../src/config/load.js';
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
 * The config of `--config`, else `.github/uptime.yml`, else the seed's variables (BACKEND_URL, COQUI_API_URL).
 * @throws ConfigError (exit 2)
 */
export function loadCliConfig(ctx: CommandContext): Promise<Config> {
  return loadConfig({ path: ctx.args.config, explicit: ctx.args.config !== undefined, env: ctx.io.env });
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
  if (!name) throw new UsageError(`${command} needs a service: uptime-action ${command} <service>. Known services: ${known}.`);
  const service = config.services[name];
  if (!service) {
    throw new UsageError(`Unknown service "${name}" in ${config.source}. Known services: ${known}.`);
  }
  return service;
}

import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../src/config/errors.js';
import { parseCliArgs, UsageError, type CliArgs } from './args.js';
import { cliLogger, type Command, type CommandContext } from './context.js';
import { HELP, commandHelp } from './commands/help.js';
import { processIO, redactedIO, type CliIO } from './io.js';

/**
 * Each command's module is loaded when it runs: `uptime-action check` does not load the scale-out worker's
 * queue library or the badges' font tables (a bundled CLI starts in about half the time).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check.js')).checkCommand,
  sweep: async () => (await import('./commands/sweep.js')).sweepCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  restart: async () => (await import('./commands/manual.js')).manualCommand('restart'),
  redeploy: async () => (await import('./commands/manual.js')).manualCommand('redeploy'),
  rollback: async () => (await import('./commands/manual.js')).manualCommand('rollback'),
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  'events-path': async () => (await import('./commands/events-path.js')).eventsPathCommand,
  demo: async () => (await import('./demo/command.js')).demoCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  site: async () => (await import('./commands/site.js')).siteCommand,
  badges: async () => (await import('./commands/badges.js')).badgesCommand,
  notify: async () => (await import('./commands/notify.js')).notifyCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
};

/** The package version (package.json sits one folder up from cli/ and from dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The CLI: parses `argv` (without `node` and the script), runs the command, returns the exit code.
 * Never throws: a bad config or command line is exit 2, anything else unexpected exit 1, with a message.
 */
export async function main(argv: string[], rawIO: CliIO = processIO()): Promise<number> {
  const io = redactedIO(rawIO);
  const now = rawIO.now ?? Date.now;
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error: unknown) {
    return fail(io, error);
  }
  if (args.version || args.command === 'version') {
    io.out(version());
    return 0;
  }
  if (args.command === 'help') {
    io.out(args.positionals[0] ? commandHelp(args.positionals[0]) : HELP);
    return 0;
  }
  if (args.help) {
    io.out(commandHelp(args.command));
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, args.command) ? COMMANDS[args.command] : undefined;
  if (!load) {
    return fail(
      io,
      new UsageError(
        `Unknown command "${args.command}". Commands: ${Object.keys(COMMANDS).join(', ')}, help.`,
      ),
    );
  }
  // The state file is relative to the folder the CLI works in (an IO's `cwd`, else the process's).
  if (rawIO.cwd && !isAbsolute(args.state)) args = { ...args, state: join(rawIO.cwd, args.state) };
  const ctx: CommandContext = { args, io, now, logger: cliLogger(io, { debug: args.verbose, now }) };
  try {
    return await (
      await load()
    )(ctx);
  } catch (error: unknown) {
    return fail(io, error);
  }
}

function fail(io: CliIO, error: unknown): number {
  if (error instanceof ConfigError) {
    io.err(`❌ ${error.message}`);
    return 2;
  }
  if (error instanceof UsageError) {
    // Messages from the parser already point to the command's --help.
    const pointer = error.message.includes('--help')
      ? ''
      : `\n   See uptime-action ${error.command ? `${error.command} ` : ''}--help`;
    io.err(`❌ ${error.message}${pointer}`);
    return 2;
  }
  io.err(`❌ ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../src/config/errors.js';
import { parseCliArgs, UsageError, type CliArgs } from './args.js';
import { cliLogger, type Command, type CommandContext } from './context.js';
import { checkCommand } from './commands/check.js';
import { doctorCommand } from './commands/doctor.js';
import { eventsPathCommand } from './commands/events-path.js';
import { HELP, commandHelp } from './commands/help.js';
import { initCommand } from './commands/init.js';
import { sweepCommand } from './commands/sweep.js';
import { manualCommand } from './commands/manual.js';
import { statusCommand } from './commands/status.js';
import { watchCommand } from './commands/watch.js';
import { siteCommand } from './commands/site.js';
import { badgesCommand } from './commands/badges.js';
import { notifyCommand } from './commands/notify.js';
import { demoCommand } from './demo/command.js';
import { workerCommand } from './commands/worker.js';
import { processIO, redactedIO, type CliIO } from './io.js';

const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  sweep: sweepCommand,
  watch: watchCommand,
  status: statusCommand,
  restart: manualCommand('restart'),
  redeploy: manualCommand('redeploy'),
  rollback: manualCommand('rollback'),
  doctor: doctorCommand,
  'events-path': eventsPathCommand,
  demo: demoCommand,
  init: initCommand,
  site: siteCommand,
  badges: badgesCommand,
  notify: notifyCommand,
  worker: workerCommand,
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
  const command = COMMANDS[args.command];
  if (!command) {
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
    return await command(ctx);
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

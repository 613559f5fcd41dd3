import { isKeyOf, isOneOf, keysOf } from '../util/fields.js';
import { MODES, type Mode } from '../config/presets.js';
import type { CommandName } from '../config/schema.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { echo } from './echo.js';

/**
 * The slash-command grammar shared by the bot and the Action (docs/github-app.md):
 * the command is the comment's first line, `/verb arg --flag`, with a case-insensitive verb.
 * Pure: text in, a typed command (or a reason it isn't one) out.
 */

/** A command a person typed, ready for its handler. */
export type Command =
  | { name: 'status'; service?: string }
  | RecoveryCommand
  | { name: 'mode'; mode: Mode }
  | { name: 'pause'; service: string; /** Milliseconds; undefined = until `/resume`. */ durationMs?: number }
  | { name: 'resume'; service: string }
  | { name: 'ack' }
  | { name: 'help' };

/**
 * `/restart`, `/redeploy`, `/rollback`. `force` (`--force`, admin only) goes past the restart budget; `reason`
 * is the rest of the comment after the command line (recorded with the attempt).
 */
export interface RecoveryCommand {
  name: 'restart' | 'redeploy' | 'rollback';
  service: string;
  dryRun: boolean;
  force?: boolean;
  reason?: string;
}

/** The outcome of parsing a comment that is a command: the command, or what is wrong with it. */
export type ParseResult =
  | { ok: true; command: Command; /** The command line as typed (for the audit log). */ text: string }
  | {
      ok: false;
      /** Markdown: what is wrong and the usage or the short help; anything typed is neutralised. */ error: string;
      text: string;
      /** The command's verb when it is a known one (its permission decides who sees `error`). */
      name?: CommandName;
    };

/** Usage line and one-line description of each command, in the order `/help` lists them. */
export const USAGE: Record<CommandName, { usage: string; does: string }> = {
  status: { usage: '/status [service]', does: 'replies with the dashboard' },
  restart: {
    usage: '/restart <service> [--dry-run] [--force]',
    does: 'restarts through the provider, verifies, reports (--force: past the restart budget, admin only)',
  },
  redeploy: { usage: '/redeploy <service> [--dry-run] [--force]', does: 'redeploys, verifies, reports' },
  rollback: {
    usage: '/rollback <service> [--dry-run] [--force]',
    does: 'rolls back to the last successful deployment before the current one, verifies, reports',
  },
  mode: { usage: '/mode normal|extreme', does: 'switches the mode for every later sweep' },
  pause: { usage: '/pause <service> [duration]', does: 'maintenance window: no checks count, no recovery' },
  resume: { usage: '/resume <service>', does: 'ends a maintenance window' },
  ack: { usage: '/ack', does: 'on an incident issue: you own it, escalation mentions stop' },
  help: { usage: '/help', does: 'lists the commands you may run' },
};

const VERBS = keysOf(USAGE);

/** A verb: `/` then a word. `/usr/bin/env` or `/ 2` are not commands (the next character must end the word). */
const COMMAND_LINE = /^\/([a-z][a-z0-9_-]*)(?=\s|$)(.*)$/i;

/** The short help given for an unknown verb. */
export function shortHelp(): string {
  return `Commands: ${VERBS.map((v) => `\`/${v}\``).join(', ')}. \`/help\` explains each.`;
}

function usageError(name: CommandName, problem: string, text: string): ParseResult {
  return { ok: false, error: `${problem} Usage: \`${USAGE[name].usage}\``, text, name };
}

/**
 * Parses a comment body. Returns null when the comment is not a command (its first non-empty line does not
 * start with `/verb`), so ordinary comments are ignored without a reaction.
 * @example parseCommand('/restart coqui --dry-run') // { ok: true, command: { name: 'restart', service: 'coqui', dryRun: true } }
 */
export function parseCommand(body: string): ParseResult | null {
  const firstLine = body.trimStart().split(/\r?\n/, 1)[0]?.trim() ?? '';
  const match = COMMAND_LINE.exec(firstLine);
  if (!match) return null;
  const text = firstLine;
  const verb = match[1].toLowerCase();
  if (!isKeyOf(USAGE, verb)) {
    return { ok: false, error: `\`/${echo(match[1], 30)}\` is not a command. ${shortHelp()}`, text };
  }
  const name: CommandName = verb;
  const tokens = match[2].trim().split(/\s+/).filter(Boolean);
  const flags = tokens.filter((t) => t.startsWith('--')).map((t) => t.toLowerCase());
  const args = tokens.filter((t) => !t.startsWith('--'));

  const allowedFlags =
    name === 'restart' || name === 'redeploy' || name === 'rollback' ? ['--dry-run', '--force'] : [];
  const unknownFlag = flags.find((f) => !allowedFlags.includes(f));
  if (unknownFlag) {
    const accepted = allowedFlags.length ? `it accepts ${allowedFlags.join(', ')}` : 'it takes no flags';
    return usageError(
      name,
      `\`/${name}\` does not know the flag \`${echo(unknownFlag, 30)}\`; ${accepted}.`,
      text,
    );
  }

  const maxArgs: Record<CommandName, number> = {
    status: 1,
    restart: 1,
    redeploy: 1,
    rollback: 1,
    mode: 1,
    pause: 2,
    resume: 1,
    ack: 0,
    help: 0,
  };
  const minArgs: Record<CommandName, number> = {
    status: 0,
    restart: 1,
    redeploy: 1,
    rollback: 1,
    mode: 1,
    pause: 1,
    resume: 1,
    ack: 0,
    help: 0,
  };
  if (args.length < minArgs[name]) {
    const what = name === 'mode' ? 'a mode' : 'a service';
    return usageError(name, `\`/${name}\` needs ${what}.`, text);
  }
  if (args.length > maxArgs[name]) {
    const extra = args
      .slice(maxArgs[name])
      .map((a) => `\`${echo(a, 30)}\``)
      .join(' ');
    return usageError(name, `\`/${name}\` got more than it takes: ${extra}.`, text);
  }

  const [first, second] = args;
  const command = build(name, first, second, flags.includes('--dry-run'));
  if (typeof command === 'string') return usageError(name, command, text);
  if (flags.includes('--force') && 'dryRun' in command) {
    // Why the budget is overridden: the lines under the command, as the person wrote them (recorded inert).
    const reason = body.trimStart().split(/\r?\n/).slice(1).join(' ').replace(/\s+/g, ' ').trim();
    return {
      ok: true,
      command: { ...command, force: true, ...(reason ? { reason: reason.slice(0, 200) } : {}) },
      text,
    };
  }
  return { ok: true, command, text };
}

function build(
  name: CommandName,
  first: string | undefined,
  second: string | undefined,
  dryRun: boolean,
): Command | string {
  if (name === 'ack' || name === 'help') return { name };
  if (name === 'status') return first === undefined ? { name } : { name, service: first };
  // parseCommand counted the words already; checked again so `first` is a word, not an assumption.
  if (first === undefined) return `\`/${name}\` needs ${name === 'mode' ? 'a mode' : 'a service'}.`;
  switch (name) {
    case 'restart':
    case 'redeploy':
    case 'rollback':
      return { name, service: first, dryRun };
    case 'mode': {
      const mode = first.toLowerCase();
      if (!isOneOf(MODES, mode)) return `\`${echo(first, 30)}\` is not a mode; use ${MODES.join(' or ')}.`;
      return { name, mode };
    }
    case 'pause': {
      if (second === undefined) return { name, service: first };
      const durationMs = parseCommandDuration(second);
      if (typeof durationMs === 'string') return durationMs;
      return { name, service: first, durationMs };
    }
    case 'resume':
      return { name, service: first };
  }
}

/** Longest maintenance window a command may set: 30 days. */
export const MAX_PAUSE_MS = 30 * 86_400_000;

/**
 * A duration typed in a comment. Unlike the config, a bare number is refused: `/pause api 30` is ambiguous
 * (30 ms? minutes?), so it asks for a unit.
 */
function parseCommandDuration(text: string): number | string {
  if (/^\d+(?:\.\d+)?$/.test(text))
    return `\`${echo(text, 30)}\` has no unit; write it like \`30m\`, \`2h\` or \`1d\`.`;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    return `\`${echo(text, 30)}\` is not a duration; write it like \`30m\`, \`2h\` or \`1h30m\`.`;
  if (ms > MAX_PAUSE_MS)
    return `\`${echo(text, 30)}\` is longer than ${formatDuration(MAX_PAUSE_MS)}; pause without a duration to pause until \`/resume\`.`;
  return ms;
}

import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { EngineDeps } from '../engine/types.js';
import type { IncidentLog } from '../incidents/types.js';
import type { StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { handleCommand, type CommandOutcome } from './handlers.js';
import { parseCommand } from './parse.js';
import {
  accessLevel,
  hasLevel,
  refusal,
  requiredLevel,
  type AccessLevel,
  type PermissionAnswer,
} from './permissions.js';

/**
 * The whole comment pipeline, shared by the bot (bot/app.ts) and the Action's issue_comment mode:
 * filter → 👀 → config → permission → handler → 🚀 or 👎 and a reply. GitHub is reached only through
 * `CommentGitHub`, so both faces (and tests) plug in their own client.
 */

/** The reactions the pipeline gives: 👀 on receipt, 🚀 on success, 👎 on refusal or failure. */
export type ReactionKind = 'eyes' | 'rocket' | '-1';

/** What the pipeline needs from GitHub, for one comment. */
export interface CommentGitHub {
  /** Reacts on the comment. */
  addReaction(kind: ReactionKind): Promise<void>;
  /** Comments on the comment's issue (Markdown). */
  reply(markdown: string): Promise<void>;
  /** The collaborator-permission answer for a login. */
  getPermission(username: string): Promise<PermissionAnswer>;
  /** The repository's config (default branch). @throws ConfigError when it is missing or broken. */
  loadConfig(): Promise<Config>;
}

/** The fields of an `issue_comment` webhook payload the pipeline reads. */
export interface IssueCommentPayload {
  action: string;
  comment: { id: number; body?: string | null; user?: { login: string; type?: string } | null };
  issue: { number: number; labels?: Array<{ name?: string } | string> | null };
  sender: { login: string; type?: string };
}

/** The services a command runs against, built once the config is known. */
export interface CommandServices {
  store: StateStore;
  engine: EngineDeps;
  incidents?: IncidentLog;
}

export interface RunCommentInput {
  payload: IssueCommentPayload;
  github: CommentGitHub;
  /** Builds the state store, engine deps and incident log for this repository's config. */
  services: (config: Config) => CommandServices | Promise<CommandServices>;
  clock: Clock;
  logger: Logger;
  /** The app's own login (e.g. `uptime-action[bot]`): its comments are never commands. */
  selfLogin?: string;
  /** Scrubs secrets from every reply (src/util/secrets.ts makeRedactor). */
  redact?: (text: string) => string;
}

/** What happened to one comment. */
export type RunCommentResult =
  | { handled: false; reason: 'not-created' | 'bot' | 'self' | 'not-command' }
  | {
      handled: true;
      ok: boolean;
      stage: 'parse' | 'config' | 'permission' | 'handler';
      reply: string;
      outcome?: CommandOutcome;
    };

/** Whether the sender is a bot: `type: Bot` or a login ending in `[bot]`. */
export function isBot(sender: { login: string; type?: string }): boolean {
  return sender.type === 'Bot' || sender.login.toLowerCase().endsWith('[bot]');
}

/** Runs the slash command in one `issue_comment` event, if there is one. Never throws for a user's mistake. */
export async function runCommentCommand(input: RunCommentInput): Promise<RunCommentResult> {
  const { payload, github, logger } = input;
  const redact = input.redact ?? ((t: string) => t);
  if (payload.action !== 'created') return { handled: false, reason: 'not-created' };
  const author = payload.comment.user ?? payload.sender;
  if (
    input.selfLogin &&
    [payload.sender.login, author.login].some((l) => l.toLowerCase() === input.selfLogin!.toLowerCase())
  ) {
    return { handled: false, reason: 'self' };
  }
  if (isBot(payload.sender) || isBot(author)) return { handled: false, reason: 'bot' };
  const parsed = parseCommand(payload.comment.body ?? '');
  if (!parsed) return { handled: false, reason: 'not-command' };

  const actor = payload.sender.login;
  logger.info(`Comment ${payload.comment.id} on #${payload.issue.number} by @${actor}: ${parsed.text}`);
  await react(github, 'eyes', logger);

  const fail = async (
    stage: 'parse' | 'config' | 'permission' | 'handler',
    reply: string,
    outcome?: CommandOutcome,
  ) => {
    const text = redact(reply);
    await react(github, '-1', logger);
    await github.reply(text);
    return { handled: true as const, ok: false, stage, reply: text, outcome };
  };

  if (!parsed.ok) return fail('parse', parsed.error);

  let config: Config;
  try {
    config = await github.loadConfig();
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      return fail(
        'config',
        `I can't run \`${parsed.text}\`: the config is broken.\n\n\`\`\`\n${error.message}\n\`\`\``,
      );
    }
    return fail(
      'config',
      `I can't run \`${parsed.text}\`: reading the config failed (${message(error)}). Try again; if it persists, check the app's access to the repository contents.`,
    );
  }

  // Permission before any provider call: a read user's /restart must cost nothing.
  let level: AccessLevel;
  try {
    level = accessLevel(await github.getPermission(actor));
  } catch (error: unknown) {
    return fail(
      'permission',
      `I can't run \`${parsed.text}\`: checking @${actor}'s permission on this repository failed (${message(error)}). Try again in a minute.`,
    );
  }
  const required = requiredLevel(config, parsed.command.name);
  if (!hasLevel(level, required))
    return fail('permission', refusal(actor, level, parsed.command.name, required));

  let outcome: CommandOutcome;
  try {
    const services = await input.services(config);
    outcome = await handleCommand(
      { command: parsed.command, text: parsed.text },
      {
        config,
        ...services,
        clock: input.clock,
        actor,
        level,
        issue: { number: payload.issue.number, labels: labelNames(payload.issue.labels) },
      },
    );
  } catch (error: unknown) {
    logger.error(redact(`Command "${parsed.text}" by @${actor} failed: ${message(error)}`));
    return fail('handler', `\`${parsed.text}\` failed: ${message(error)}`);
  }
  if (!outcome.ok) return fail('handler', outcome.reply, outcome);
  const text = redact(outcome.reply);
  await react(github, 'rocket', logger);
  await github.reply(text);
  return { handled: true, ok: true, stage: 'handler', reply: text, outcome };
}

/** A failed reaction is cosmetic: log it, carry on with the command. */
async function react(github: CommentGitHub, kind: ReactionKind, logger: Logger): Promise<void> {
  try {
    await github.addReaction(kind);
  } catch (error: unknown) {
    logger.warn(`Could not add the ${kind} reaction: ${message(error)}`);
  }
}

function labelNames(labels: IssueCommentPayload['issue']['labels']): string[] {
  return (labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export {
  loadRepoConfig,
  octokitCommentGitHub,
  type OctokitCommentOptions,
  type RequestOctokit,
} from './octokit.js';

import type { Issue, IssueComment, IssueCommentEvent, Label, User } from '@octokit/webhooks-types';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { EngineDeps } from '../engine/types.js';
import type { IncidentLog } from '../incidents/types.js';
import type { StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { rememberDelivery } from './deliveries.js';
import { handleCommand, type CommandOutcome } from './handlers.js';
import { defangMentions, echo } from './echo.js';
import { neutralize } from '../util/redact.js';
import { parseCommand } from './parse.js';
import { serviceConfigInput } from '../config/service-config.js';
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
 * filter → permission → 👀 → config → command's permission → handler → 🚀 or 👎 and a reply. GitHub is reached only through
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
  /**
   * The repository's config (default branch). `select` reduces the raw file before `${VAR}` expansion
   * (src/config/service-config.ts: a `/restart api` reads only what `api` needs). @throws ConfigError when it
   * is missing or broken.
   */
  loadConfig(select?: (raw: unknown) => unknown): Promise<Config>;
}

type Who = Pick<User, 'login'> & { type?: User['type'] | string };

/**
 * The fields of an `issue_comment` webhook payload (@octokit/webhooks-types `IssueCommentEvent`) the pipeline
 * reads; Probot's `context.payload` and the Action's event payload both fit without a cast.
 */
export interface IssueCommentPayload {
  action: IssueCommentEvent['action'] | (string & {});
  comment: Pick<IssueComment, 'id'> & { body?: IssueComment['body'] | null; user?: Who | null };
  issue: Pick<Issue, 'number'> & { labels?: Array<Partial<Pick<Label, 'name'>> | string> | null };
  sender: Who;
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
  /**
   * The redactor once the config is loaded (src/util/redact.ts `createRedactor({ env, config })`: also hides
   * every value the config expanded from `${VAR}` and every `secretEnv` value). @default `redact`
   */
  redactFor?: (config: Config) => (text: string) => string;
  /**
   * The webhook's `X-GitHub-Delivery`: recorded in the repository's state before the command runs, so a
   * replay is ignored even after a restart of the bot (src/commands/deliveries.ts).
   */
  delivery?: string;
}

/** What happened to one comment. */
export type RunCommentResult =
  | { handled: false; reason: 'not-created' | 'bot' | 'self' | 'not-command' | 'replay' }
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
  let redact = input.redact ?? ((t: string) => t);
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

  // Every reply passes here: secrets scrubbed, no mention but the commenter's.
  const finish = (text: string) => defangMentions(redact(text), [actor]);
  const fail = async (
    stage: 'parse' | 'config' | 'permission' | 'handler',
    reply: string,
    outcome?: CommandOutcome,
  ) => {
    const text = finish(reply);
    await react(github, '-1', logger);
    await github.reply(text);
    return { handled: true as const, ok: false, stage, reply: text, outcome };
  };

  // Permission first: before any reaction, before reading the config, before anything typed is echoed.
  let level: AccessLevel;
  try {
    level = accessLevel(await github.getPermission(actor));
  } catch (error: unknown) {
    logger.warn(redact(`Permission check of @${actor} failed: ${message(error)}`));
    return fail(
      'permission',
      `@${actor}, checking your permission on this repository failed, so I ran nothing. Try again in a minute.`,
    );
  }
  if (level === 'none') return fail('permission', NO_ACCESS(actor));
  await react(github, 'eyes', logger);

  let config: Config;
  try {
    // A recovery command needs only its service's settings: an unrelated unset ${VAR} must not block it.
    const target =
      parsed.ok && 'dryRun' in parsed.command ? serviceConfigInput(parsed.command.service) : undefined;
    config = await (target ? github.loadConfig(target) : github.loadConfig());
    if (input.redactFor) redact = input.redactFor(config);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      return fail(
        'config',
        `I can't run that: the config is broken.\n\n\`\`\`\n${neutralize(error.message, { issueRefs: true })}\n\`\`\``,
      );
    }
    return fail(
      'config',
      `I can't run that: reading the config failed (${echo(message(error), 200)}). Try again; if it persists, check the app's access to the repository contents.`,
    );
  }

  if (!parsed.ok) {
    // The details (which quote what was typed, neutralised) only for someone allowed to run that verb.
    // An unknown verb counts as `/help` (its answer is the short help).
    const mayRun = hasLevel(level, requiredLevel(config, parsed.name ?? 'help'));
    return fail('parse', mayRun ? parsed.error : NOT_A_COMMAND);
  }
  const required = requiredLevel(config, parsed.command.name);
  if (!hasLevel(level, required))
    return fail('permission', refusal(actor, level, parsed.command.name, required));
  // Going past the restart budget is an admin's call, whatever the command's own level.
  if ('force' in parsed.command && parsed.command.force && !hasLevel(level, 'admin')) {
    return fail(
      'permission',
      `@${actor}, \`/${parsed.command.name} --force\` goes past the restart budget and needs admin access to this repository; you have ${level} access. Without --force it runs within the budget.`,
    );
  }

  let outcome: CommandOutcome;
  try {
    const services = await input.services(config);
    // Only the verbs that act on a service (a replay of /status or /mode is harmless): one more write for them.
    if (
      input.delivery &&
      REPLAY_GUARDED.has(parsed.command.name) &&
      (await alreadyHandled(services.store, input.delivery, input.clock.now(), logger))
    ) {
      logger.info(
        `Delivery ${input.delivery} was already handled (remembered in the state); ignoring the replay.`,
      );
      return { handled: false, reason: 'replay' };
    }
    outcome = await handleCommand(
      { command: parsed.command, text: parsed.text },
      {
        config,
        ...services,
        clock: input.clock,
        actor,
        level,
        issue: { number: payload.issue.number, labels: labelNames(payload.issue.labels) },
        redact,
      },
    );
  } catch (error: unknown) {
    logger.error(redact(`Command "${parsed.text}" by @${actor} failed: ${message(error)}`));
    return fail('handler', `\`${echo(parsed.text, 100)}\` failed: ${echo(message(error), 300)}`);
  }
  if (!outcome.ok) return fail('handler', outcome.reply, outcome);
  const text = finish(outcome.reply);
  await react(github, 'rocket', logger);
  await github.reply(text);
  return { handled: true, ok: true, stage: 'handler', reply: text, outcome };
}

/** The fixed refusal for someone with no access: nothing from the comment. */
const NO_ACCESS = (actor: string) =>
  `@${actor}, you have no access to this repository, so I can't run commands for you. Ask an admin for access.`;

/** The fixed answer to a malformed command from someone who may not run it. */
const NOT_A_COMMAND = 'That is not a command you may run here. `/help` lists the ones you may.';

/** Commands whose replay would act twice on a service: their delivery ids are remembered in the state. */
const REPLAY_GUARDED = new Set(['restart', 'redeploy', 'rollback']);

/**
 * Records the delivery in the state (compare-and-swap); true when it was already there. A state that can't be
 * written doesn't stop the command (the receiver's in-memory set still drops a quick replay).
 */
async function alreadyHandled(store: StateStore, id: string, now: number, logger: Logger): Promise<boolean> {
  let seen = false;
  try {
    await store.update((fresh) => {
      const result = rememberDelivery(fresh, id, now);
      seen = result.seen;
      return result.state;
    });
  } catch (error: unknown) {
    logger.warn(`Could not record delivery ${id} in the state: ${message(error)}`);
    return false;
  }
  return seen;
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

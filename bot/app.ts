import { runRedactor } from '../src/run/redactor.js';
import type { ApplicationFunction, Context, Probot } from 'probot';
import { octokitCommentGitHub, runCommentCommand } from '../src/commands/run.js';
import type { Provider } from '../src/providers/types.js';
import { systemClock, type Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { makeRedactor, secretValues } from '../src/util/secrets.js';
import { githubServices } from '../src/run/github-services.js';
import { hostedConfigLoad } from './hosted.js';
import type { ProviderType } from '../src/providers/registry.js';

/**
 * The GitHub App: it only registers handlers. The slash commands live in src/commands (shared with the
 * Action's issue_comment mode); this file translates a Probot event into `runCommentCommand`.
 */

/** What a test or a host may swap; everything defaults to the real thing, read when an event arrives. */
export interface UptimeAppOptions {
  /** Provider tokens and `${VAR}`s in configs. @default process.env */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  fetch?: typeof fetch;
  provider?: (type: ProviderType) => Provider;
  /** @default ".github/uptime.yml" */
  configPath?: string;
  /** @default "uptime-state" */
  stateBranch?: string;
}

/** Adapts Probot's pino logger to the core's `Logger`, scrubbing secrets. */
export function probotLogger(log: Probot['log'], redact: (text: string) => string = (t) => t): Logger {
  return {
    debug: (m) => log.debug(redact(m)),
    info: (m) => log.info(redact(m)),
    warn: (m) => log.warn(redact(m)),
    error: (m) => log.error(redact(m)),
  };
}

/** Builds the app function; `export default` is the one `npm run bot` loads. */
export function uptimeApp(options: UptimeAppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    app.on('issue_comment.created', (context) => handleComment(context, options));
  };
}

async function handleComment(
  context: Context<'issue_comment.created'>,
  options: UptimeAppOptions,
): Promise<void> {
  const env = options.env ?? process.env;
  const redact = makeRedactor(secretValues(env));
  const logger = probotLogger(context.log, redact);
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const { owner, repo } = context.repo();
  const { payload } = context;
  // Repository configs are read under the hosted policy: allowed providers, allowed ${VAR}s.
  const policy = hostedConfigLoad(env, fetchImpl);
  const github = octokitCommentGitHub(context.octokit, {
    owner,
    repo,
    issueNumber: payload.issue.number,
    commentId: payload.comment.id,
    defaultBranch: payload.repository.default_branch,
    configPath: options.configPath,
    env: policy.env,
    policy: policy.policy,
  });
  await runCommentCommand({
    payload,
    // Remembered in the repository's state: a replay is ignored even after the bot restarts.
    delivery: context.id,
    github,
    clock,
    logger,
    redact,
    redactFor: (config) => runRedactor(env, config),
    services: (config) =>
      githubServices(config, {
        // Incident bodies and the audit copy: the environment's secrets and every value the config expanded.
        redact: runRedactor(env, config),
        owner,
        repo,
        client: context.octokit,
        env,
        clock,
        logger,
        fetch: fetchImpl,
        configFetch: policy.fetch,
        privateTargets: policy.policy.privateTargets,
        provider: options.provider,
        stateBranch: options.stateBranch,
      }),
  });
}

export default uptimeApp();

import { runRedactor } from '../src/run/redactor.js';
import { loadRepoConfig } from '../src/commands/octokit.js';
import { ConfigError } from '../src/config/errors.js';
import type { PublisherOptions } from '../src/engine/publish.js';
import { runSweep, type RunSweepResult } from '../src/run/sweep.js';
import { InstallationSchema, RepositorySchema, requestData } from '../src/github/request.js';
import { describeError, type GitHubClient, type RepoRef } from '../src/github/client.js';
import type { Provider } from '../src/providers/types.js';
import type { Clock } from '../src/util/clock.js';
import { formatDuration } from '../src/util/duration.js';
import type { Logger } from '../src/util/logger.js';
import { githubServices } from '../src/run/github-services.js';
import { RetryableError, withRetry } from '../src/util/retry.js';
import { hostedConfigLoad } from './hosted.js';
import type { Listener } from '../src/events/listener.js';
import type { EngineEvent } from '../src/outcome/types.js';
import type { ProviderType } from '../src/providers/registry.js';

/**
 * Hosted watch: when the bot runs as a server and `UPTIME_WATCH_REPOS` lists `owner/repo` entries, it runs
 * the core's watch loop for each with the installation's Octokit — the same sweep, state branch and incident
 * issues as the Action, at the mode's interval (5 s at extreme), which a cron schedule can't give.
 */

/** What the watch needs from the app: Probot's `app.auth` (no id = the app itself, an id = an installation). */
export interface AppAuth {
  auth(installationId?: number): Promise<GitHubClient>;
}

export interface HostedWatchOptions {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  provider?: (type: ProviderType) => Provider;
  configPath?: string;
  stateBranch?: string;
  /** Re-read the config (and the installation) this often, so a pushed config change takes effect. @default 10 min */
  reloadEveryMs?: number;
  /** Wait after a failed start (bad config, app not installed), doubled up to 10 minutes. @default 30 s */
  retryDelayMs?: number;
  /** 0..1 for the retry jitter (tests). @default Math.random */
  random?: () => number;
  onEvent?: (repo: string, event: EngineEvent) => void;
  /** After each session (every `reloadEveryMs`): the core's run result, as the Action's outputs carry it. */
  onRun?: (repo: string, result: RunSweepResult) => void;
  /**
   * Notifications: a message's budget and how long a session's end (every `reloadEveryMs`) lets messages still
   * in flight settle — in the background, so the next session's first sweep is not delayed; stopping the
   * watch waits for them. @default 10 s per message, 15 s to settle
   */
  notify?: PublisherOptions;
  /** Keep the status site under `site/` on the state branch (at most hourly, only when changed). @default true */
  site?: boolean;
  /**
   * The server's heartbeat and platform-event routes (src/events/listener.ts): each watched repository's config
   * is attached to it, its events at `/events/<owner>/<repo>/<key>` (`eventsPath`).
   */
  listener?: Listener;
  /** The events path of a repository (after `/events/`); none = no platform events. */
  eventsPath?: (ref: RepoRef) => string | undefined;
}

/**
 * Parses `UPTIME_WATCH_REPOS`: `owner/repo` entries separated by commas, spaces or new lines.
 * @throws Error naming the bad entry and the expected form.
 */
export function parseWatchRepos(value: string | undefined): RepoRef[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  return entries.map((entry) => {
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(entry);
    if (!match) {
      throw new Error(
        `UPTIME_WATCH_REPOS: "${entry}" is not owner/repo. Fix: list repositories like "acme/api, acme/web" (the app must be installed on each).`,
      );
    }
    return { owner: match[1], repo: match[2] };
  });
}

/** Reaches the repository with the installation's client and reads its config under the hosted policy. */
export async function startSession(app: AppAuth, ref: RepoRef, options: HostedWatchOptions) {
  const appClient = await app.auth();
  const installation = await requestData(
    appClient,
    'GET /repos/{owner}/{repo}/installation',
    { ...ref },
    InstallationSchema,
  );
  const client = await app.auth(installation.id);
  const repository = await requestData(client, 'GET /repos/{owner}/{repo}', { ...ref }, RepositorySchema);
  const policy = hostedConfigLoad(options.env, options.fetch);
  const config = await loadRepoConfig(client, {
    ...ref,
    branch: repository.default_branch,
    path: options.configPath,
    env: policy.env,
    policy: policy.policy,
  });
  return { client, config, policy };
}

/**
 * Watches one repository until `signal` aborts. A failed start (app not installed, broken config, GitHub
 * down) is logged with its reason and retried under the shared retry policy (src/util/retry.ts: jittered
 * backoff from `retryDelayMs`, capped at 10 minutes); nothing is swallowed.
 */
export async function watchRepository(
  app: AppAuth,
  ref: RepoRef,
  options: HostedWatchOptions,
  signal: AbortSignal,
): Promise<void> {
  const name = `${ref.owner}/${ref.repo}`;
  // Sessions that ended with messages still in flight: settled in the background, awaited before returning.
  const settling = new Set<Promise<unknown>>();
  while (!signal.aborted) {
    const session = await startWithRetries(app, ref, options, signal);
    if (!session) break; // only when stopped
    try {
      const run = await runSession(session, ref, options, signal);
      options.onRun?.(name, run);
      if (run.inFlight > 0) {
        const done: Promise<unknown> = run.notifications.finally(() => settling.delete(done));
        settling.add(done);
      }
    } catch (error: unknown) {
      options.logger.error(`Watch of ${name} stopped: ${describeError(error)} Restarting it.`);
      await options.clock.sleep(options.retryDelayMs ?? 30_000, signal);
    }
  }
  await Promise.all([...settling]);
}

type Session = Awaited<ReturnType<typeof startSession>>;

/** {@link startSession} under the shared retry policy; undefined once stopped. */
async function startWithRetries(
  app: AppAuth,
  ref: RepoRef,
  options: HostedWatchOptions,
  signal: AbortSignal,
): Promise<Session | undefined> {
  const name = `${ref.owner}/${ref.repo}`;
  try {
    return await withRetry(
      async () => {
        if (signal.aborted) throw new Error('stopped');
        try {
          return await startSession(app, ref, options);
        } catch (error: unknown) {
          // A broken config keeps its problem lines: they name the key and the setting that would allow it.
          throw new RetryableError(error instanceof ConfigError ? error.message : describeError(error));
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        baseDelayMs: options.retryDelayMs ?? 30_000,
        maxDelayMs: 600_000,
        doNotRetry: [],
        random: options.random,
        sleep: (ms) => options.clock.sleep(ms, signal),
        onRetry: ({ attempt, delayMs, error }) =>
          options.logger.error(
            `Watch of ${name} could not start (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)} Retrying in ${formatDuration(delayMs)}.`,
          ),
      },
    );
  } catch {
    return undefined;
  }
}

/**
 * One session: the core's run (src/run/sweep.ts) for `reloadEveryMs`, as the Action's scheduled run — history
 * and notifications booked and sent the same way; messages to URLs from the config go through the hosted
 * guard (`configFetch`).
 */
async function runSession(
  session: Session,
  ref: RepoRef,
  options: HostedWatchOptions,
  signal: AbortSignal,
): Promise<RunSweepResult> {
  const name = `${ref.owner}/${ref.repo}`;
  const { client, config, policy } = session;
  const attached = options.listener?.attach(name, config, {
    eventsKey: options.eventsPath?.(ref),
    logger: options.logger,
  });
  const { engine, store, site } = githubServices(config, {
    ...ref,
    client,
    env: options.env,
    redact: runRedactor(options.env, config),
    clock: options.clock,
    logger: options.logger,
    fetch: options.fetch,
    configFetch: policy.fetch,
    privateTargets: policy.policy.privateTargets,
    provider: options.provider,
    stateBranch: options.stateBranch,
    onEvent: options.onEvent && ((event) => options.onEvent!(name, event)),
    heartbeats: attached?.heartbeats,
    recentEvents: attached?.recentEvents,
  });
  options.logger.info(`Watching ${name}: ${Object.keys(config.services).join(', ')}.`);
  return runSweep({
    deps: engine,
    store,
    watchMs: options.reloadEveryMs ?? 600_000,
    signal,
    notify: options.notify,
    site: options.site === false ? undefined : site,
    checkNow: attached?.checkNow,
    // An unreadable state ends the session; it is retried like a failed start.
    unreadableState: 'throw',
    // Messages still in flight settle in the background: the next session's first sweep is not delayed.
    settle: 'background',
  });
}

/** Starts a watch per repository; `stop()` aborts them and resolves when all have ended. */
export function startHostedWatch(
  app: AppAuth,
  repos: RepoRef[],
  options: HostedWatchOptions,
): { stop(): Promise<void> } {
  const controller = new AbortController();
  const running = repos.map((ref) => watchRepository(app, ref, options, controller.signal));
  return {
    async stop() {
      controller.abort();
      await Promise.all(running);
    },
  };
}

import type { Endpoints } from '@octokit/types';
import { loadRepoConfig } from '../src/commands/octokit.js';
import { ConfigError } from '../src/config/errors.js';
import type { ProviderType } from '../src/config/schema.js';
import { Publisher, type PublisherOptions } from '../src/engine/publish.js';
import { watch } from '../src/engine/watch.js';
import type { EngineEvent } from '../src/engine/types.js';
import { describeError, type GitHubClient, type RepoRef } from '../src/github/client.js';
import type { Provider } from '../src/providers/types.js';
import type { Clock } from '../src/util/clock.js';
import { formatDuration } from '../src/util/duration.js';
import type { Logger } from '../src/util/logger.js';
import { githubServices } from '../src/engine/github-services.js';
import { RetryableError, withRetry } from '../src/util/retry.js';
import { hostedConfigLoad } from './hosted.js';
import { createRedactor } from '../src/util/redact.js';
import { providerSecretEnv } from '../src/providers/registry.js';

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
  /**
   * Notifications: a message's budget and how long a session's end (every `reloadEveryMs`) lets messages still
   * in flight settle — in the background, so the next session's first sweep is not delayed; stopping the
   * watch waits for them. @default 10 s per message, 15 s to settle
   */
  notify?: PublisherOptions;
  /** Keep the status site under `site/` on the state branch (at most hourly, only when changed). @default true */
  site?: boolean;
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

type InstallationData = Endpoints['GET /repos/{owner}/{repo}/installation']['response']['data'];
type RepositoryData = Endpoints['GET /repos/{owner}/{repo}']['response']['data'];

/** Reaches the repository with the installation's client and reads its config under the hosted policy. */
export async function startSession(app: AppAuth, ref: RepoRef, options: HostedWatchOptions) {
  const appClient = await app.auth();
  const { data: installation }: { data: InstallationData } = await appClient.request(
    'GET /repos/{owner}/{repo}/installation',
    { ...ref },
  );
  const client = await app.auth(installation.id);
  const { data: repository }: { data: RepositoryData } = await client.request('GET /repos/{owner}/{repo}', {
    ...ref,
  });
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
  const { clock, logger } = options;
  const reloadEveryMs = options.reloadEveryMs ?? 600_000;
  // Sessions that ended with messages still in flight: settled in the background, awaited before returning.
  const settling = new Set<Promise<unknown>>();
  while (!signal.aborted) {
    let session: Awaited<ReturnType<typeof startSession>>;
    try {
      session = await withRetry(
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
          sleep: (ms) => clock.sleep(ms, signal),
          onRetry: ({ attempt, delayMs, error }) =>
            logger.error(
              `Watch of ${name} could not start (attempt ${attempt}): ${(error as Error).message} Retrying in ${formatDuration(delayMs)}.`,
            ),
        },
      );
    } catch {
      break; // only when stopped
    }
    const { client, config, policy } = session;
    const { engine, store, site } = githubServices(config, {
      ...ref,
      client,
      env: options.env,
      redact: createRedactor({ env: options.env, config, names: providerSecretEnv() }),
      clock,
      logger,
      fetch: options.fetch,
      configFetch: policy.fetch,
      privateTargets: policy.policy.privateTargets,
      provider: options.provider,
      stateBranch: options.stateBranch,
      onEvent: options.onEvent && ((event) => options.onEvent!(name, event)),
    });
    logger.info(`Watching ${name}: ${Object.keys(config.services).join(', ')}.`);
    // History and notifications as the Action's scheduled run books and sends them; messages to URLs from the
    // config go through the hosted guard (`configFetch`), which the publisher prefers.
    const publisher = new Publisher(engine, options.notify);
    try {
      await watch(engine, store, {
        durationMs: reloadEveryMs,
        signal,
        publisher,
        site: options.site === false ? undefined : site,
      });
    } catch (error: unknown) {
      logger.error(`Watch of ${name} stopped: ${describeError(error)} Restarting it.`);
      await clock.sleep(options.retryDelayMs ?? 30_000, signal);
    } finally {
      if (publisher.inFlight > 0) {
        const done: Promise<unknown> = publisher.finish().finally(() => settling.delete(done));
        settling.add(done);
      }
    }
  }
  await Promise.all([...settling]);
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

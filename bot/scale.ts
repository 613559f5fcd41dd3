import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Probot } from 'probot';
import { describeError, type RepoRef } from '../src/github/client.js';
import {
  desiredScheduler,
  removeRepo,
  syncSchedulers,
  upsertRepo,
  type WatchedRepo,
} from '../src/scale/schedulers.js';
import { DEFAULT_PREFIX, SWEEP_QUEUE, type SweepJobData } from '../src/scale/types.js';
import { GitHubStateStore } from '../src/state/github.js';
import type { Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { startSession, type AppAuth, type HostedWatchOptions } from './watch.js';

/**
 * The bot's side of the scale-out (docs/scale-out.md): with `UPTIME_REDIS_URL` set it watches nothing itself;
 * it keeps one BullMQ Job Scheduler per watched repository at its mode's interval, and `uptime-action worker`
 * processes sweep. Repositories: `UPTIME_WATCH_REPOS` when set, else every installed repository whose config
 * reads; followed on `installation`, `installation_repositories` and `push` events, and re-read every
 * `reloadEveryMs`. A `/mode` change is followed by the workers themselves (they re-time the scheduler).
 */

export interface ScaleCoordinatorOptions {
  redisUrl: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** The fixed list (`UPTIME_WATCH_REPOS`); empty = the App's installations. */
  repos: RepoRef[];
  configPath?: string;
  stateBranch?: string;
  /** Re-read every repository this often. @default 10 min */
  reloadEveryMs?: number;
  prefix?: string;
}

export interface ScaleCoordinator {
  /** Re-reads one repository (a push, a new installation) and upserts or removes its scheduler. */
  syncRepo(ref: RepoRef): Promise<void>;
  /** Re-reads every repository; removes the schedulers of those no longer watched. */
  syncAll(): Promise<void>;
  queue: Queue<SweepJobData>;
  stop(): Promise<void>;
}

const nameOf = (ref: RepoRef) => `${ref.owner}/${ref.repo}`;

/** Every repository of every installation of the App (paginated). */
async function installedRepos(app: AppAuth): Promise<RepoRef[]> {
  const appClient = await app.auth();
  const repos: RepoRef[] = [];
  for (let page = 1; ; page++) {
    const { data } = await appClient.request('GET /app/installations', { per_page: 100, page });
    const installations = data as Array<{ id: number }>;
    for (const installation of installations) {
      const client = await app.auth(installation.id);
      for (let repoPage = 1; ; repoPage++) {
        const { data: list } = await client.request('GET /installation/repositories', {
          per_page: 100,
          page: repoPage,
        });
        const found = (list as { repositories: Array<{ name: string; owner: { login: string } }> })
          .repositories;
        repos.push(...found.map((r) => ({ owner: r.owner.login, repo: r.name })));
        if (found.length < 100) break;
      }
    }
    if (installations.length < 100) return repos;
  }
}

/** Starts the coordinator: a first sync of every repository, then a re-sync every `reloadEveryMs`. */
export function startScaleCoordinator(app: AppAuth, options: ScaleCoordinatorOptions): ScaleCoordinator {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error: Error) => options.logger.debug(`redis: ${error.message}`));
  const queue = new Queue<SweepJobData>(SWEEP_QUEUE, {
    connection,
    prefix: options.prefix ?? DEFAULT_PREFIX,
  });
  const { logger } = options;
  const syncRepo = (ref: RepoRef) => syncOne(app, options, queue, ref);
  const syncAll = () => syncEvery(app, options, queue);
  const run = (what: string, task: () => Promise<void>) =>
    task().catch((error: unknown) =>
      logger.error(`Scale-out ${what} failed: ${describeError(error)} Retrying at the next sync.`),
    );
  const first = run('sync', syncAll);
  const timer = setInterval(() => void run('sync', syncAll), options.reloadEveryMs ?? 600_000);
  timer.unref();
  return {
    queue,
    syncRepo,
    syncAll,
    async stop() {
      clearInterval(timer);
      await first;
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** The repository's scheduler as it should be (src/scale/schedulers.ts), or why it is not watched. */
async function desired(
  app: AppAuth,
  options: ScaleCoordinatorOptions,
  ref: RepoRef,
): Promise<WatchedRepo | string> {
  const { logger, clock } = options;
  const watchOptions: HostedWatchOptions = {
    env: options.env,
    clock,
    logger,
    fetch: options.fetch,
    configPath: options.configPath,
  };
  try {
    const { client, config } = await startSession(app, ref, watchOptions);
    const store = new GitHubStateStore({ ...ref, client, clock, logger, branch: options.stateBranch });
    return desiredScheduler(nameOf(ref), config, await store.read(), (mode) =>
      JSON.stringify({ mode, config }),
    );
  } catch (error: unknown) {
    return describeError(error);
  }
}

/** Re-reads one repository and upserts or removes its scheduler. */
async function syncOne(
  app: AppAuth,
  options: ScaleCoordinatorOptions,
  queue: Queue<SweepJobData>,
  ref: RepoRef,
): Promise<void> {
  const { logger } = options;
  const watched = await desired(app, options, ref);
  if (typeof watched === 'string') {
    // No config (or a broken one, or the App was removed): not watched until a push fixes it.
    if (await removeRepo(queue, nameOf(ref))) logger.warn(`Stopped watching ${nameOf(ref)}: ${watched}`);
    else logger.debug(`Not watching ${nameOf(ref)}: ${watched}`);
    return;
  }
  await upsertRepo(queue, watched);
  logger.info(`Watching ${watched.repo} every ${watched.everyMs} ms through the workers.`);
}

/** Re-reads every repository; the queue's schedulers become exactly those that read. */
async function syncEvery(
  app: AppAuth,
  options: ScaleCoordinatorOptions,
  queue: Queue<SweepJobData>,
): Promise<void> {
  const { logger } = options;
  const refs = options.repos.length ? options.repos : await installedRepos(app);
  const results = await Promise.all(
    refs.map(async (ref) => ({ ref, watched: await desired(app, options, ref) })),
  );
  for (const { ref, watched } of results)
    if (typeof watched === 'string') logger.debug(`Not watching ${nameOf(ref)}: ${watched}`);
  const watched = results.map((r) => r.watched).filter((w): w is WatchedRepo => typeof w !== 'string');
  const { upserted, removed } = await syncSchedulers(queue, watched);
  logger.info(
    `Scale-out: ${watched.length} repositories scheduled${upserted.length ? ` (updated ${upserted.join(', ')})` : ''}${removed.length ? `, stopped ${removed.join(', ')}` : ''}.`,
  );
}

/** Follows the events that change what is watched (registered only with `UPTIME_REDIS_URL`). */
export function followScaleEvents(
  app: Probot,
  coordinator: () => ScaleCoordinator | undefined,
  configPath = '.github/uptime.yml',
): void {
  app.on(['installation', 'installation_repositories'], async () => {
    await coordinator()?.syncAll();
  });
  app.on('push', async (context) => {
    const { payload } = context;
    if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
    const touched = payload.commits.some((c) =>
      [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(configPath),
    );
    if (touched || payload.commits.length === 0) await coordinator()?.syncRepo(context.repo());
  });
}

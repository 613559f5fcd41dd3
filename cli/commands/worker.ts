import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { desiredScheduler, syncSchedulers } from '../../src/scale/schedulers.js';
import { DEFAULT_PREFIX, SWEEP_QUEUE, parseLocation, type RepoOpener } from '../../src/scale/types.js';
import { startScaleWorker } from '../../src/scale/worker.js';
import { githubRepoOpener } from '../../bot/worker-github.js';
import { UsageError } from '../args.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import { localRepoOpener } from '../worker-local.js';

/** How often a local-mode worker re-reads its config to keep the repository's scheduler in step. */
const LOCAL_SYNC_MS = 30_000;

/**
 * `uptime-action worker [name]`: a scale-out worker (docs/scale-out.md). Needs `UPTIME_REDIS_URL`; probes from
 * `UPTIME_LOCATION` (default Fly.io's `FLY_REGION`, else `default`); serves `/health` and `/metrics` on `PORT` (default 9464). With the App's `APP_ID` it sweeps
 * the repositories the bot schedules; without it (local mode) it watches the local config under `name`
 * (default `local`) with the local state file, scheduling it itself. Runs until SIGINT / SIGTERM or `--duration`.
 */
export async function workerCommand(ctx: CommandContext): Promise<number> {
  const env = ctx.io.env ?? process.env;
  const { redisUrl, location, port } = workerSettings(env);
  const name = ctx.args.positionals[0] ?? 'local';
  let open: RepoOpener;
  let localSync: (() => Promise<void>) | undefined;
  if (env.APP_ID) {
    open = githubRepoOpener({ env, logger: ctx.logger });
  } else {
    const config = await loadCliConfig(ctx); // a bad config is exit 2 before anything starts
    const repos = { [name]: { configPath: config.source, statePath: ctx.args.state } };
    open = localRepoOpener(repos, { env, logger: ctx.logger });
    localSync = () => scheduleLocalRepo(open, name, config.source, redisUrl);
  }
  const worker = await startScaleWorker({
    redisUrl,
    location,
    open,
    logger: ctx.logger,
    metricsPort: port,
    metricsHost: env.HOST || undefined,
    lockDurationMs: numberEnv(env.UPTIME_LOCK_MS),
    stalledIntervalMs: numberEnv(env.UPTIME_STALLED_MS),
    heartbeatMs: numberEnv(env.UPTIME_HEARTBEAT_MS),
  });
  ctx.io.out(`worker ${worker.workerId} in ${location} · /health and /metrics on ${worker.url}`);
  const syncTimer =
    localSync &&
    setInterval(() => void localSync().catch((e: Error) => ctx.logger.warn(e.message)), LOCAL_SYNC_MS);
  try {
    await localSync?.();
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
      if (ctx.args.durationMs) setTimeout(resolve, ctx.args.durationMs).unref();
    });
  } finally {
    clearInterval(syncTimer);
    await worker.close();
  }
  return 0;
}

/** `UPTIME_REDIS_URL`, the location and the metrics port, checked. @throws UsageError naming the variable */
function workerSettings(env: NodeJS.ProcessEnv): { redisUrl: string; location: string; port: number } {
  const redisUrl = env.UPTIME_REDIS_URL;
  if (!redisUrl)
    throw new UsageError(
      'worker: UPTIME_REDIS_URL is not set. Fix: point it at the Redis the bot uses, e.g. UPTIME_REDIS_URL=redis://localhost:6379.',
      'worker',
    );
  let location: string;
  try {
    location = parseLocation(env.UPTIME_LOCATION || env.FLY_REGION); // Fly.io sets FLY_REGION on each machine
  } catch (error: unknown) {
    throw new UsageError((error as Error).message, 'worker');
  }
  const port = env.PORT === undefined || env.PORT === '' ? 9464 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`worker: PORT "${env.PORT}" is not a port number (0-65535).`, 'worker');
  return { redisUrl, location, port };
}

/** Local mode: keeps this repository's scheduler in step with its config and mode (src/scale/schedulers.ts). */
async function scheduleLocalRepo(
  open: RepoOpener,
  name: string,
  configPath: string,
  redisUrl: string,
): Promise<void> {
  const session = await open(name);
  const state = await session.store.read();
  const text = await readFile(configPath, 'utf8').catch(() => '');
  const watched = desiredScheduler(name, session.engine.config, state, (mode) => `${mode}\n${text}`);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(SWEEP_QUEUE, { connection, prefix: DEFAULT_PREFIX });
  try {
    // Only this repository's scheduler: others on the same Redis are left alone.
    const existing = (await queue.getJobSchedulers(0, -1)).filter((s) => s.key !== `repo:${name}`);
    await syncSchedulers(queue, [
      ...existing.map((s) => ({
        repo: s.key.replace(/^repo:/, ''),
        everyMs: Number(s.every),
        ...(s.template?.data as object),
      })),
      watched,
    ]);
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** Tuning of the failover timings for tests and operators (ms); absent = the worker's defaults. */
function numberEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

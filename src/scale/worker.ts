import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { resolveTuning, type Mode } from '../config/presets.js';
import { upsertRepo } from './schedulers.js';
import { Redis } from 'ioredis';
import type { RunSweepResult } from '../run/sweep.js';
import { mapBounded } from '../probe/sweep.js';
import type { ProbeResult } from '../probe/types.js';
import type { Logger } from '../util/logger.js';
import { LocationProber } from './fanout.js';
import { reachable } from './redis.js';
import { SweepLock } from './lock.js';
import { ScaleMetrics, startMetricsServer } from './metrics.js';
import { Presence } from './presence.js';
import type { QuorumVerdict } from './quorum.js';
import { quorumProbe } from './quorum-probe.js';
import { sweepRepository } from './sweep-adapter.js';
import {
  DEFAULT_PREFIX,
  SWEEP_QUEUE,
  probeQueueName,
  type ProbeJobData,
  type RepoOpener,
  type RepoSession,
  type SweepJobData,
} from './types.js';

/** Options of {@link startScaleWorker}; the timings' defaults suit the 5-s extreme interval. */
export interface ScaleWorkerOptions {
  /** `UPTIME_REDIS_URL` (`redis://host:6379`, `rediss://`, or `redis+unix:///path`). */
  redisUrl: string;
  /** `UPTIME_LOCATION`: where this worker probes from. */
  location: string;
  open: RepoOpener;
  logger: Logger;
  /** Redis key prefix. @default "uptime" */
  prefix?: string;
  /** Sweep jobs at once in this process. @default 16 */
  concurrency?: number;
  /** BullMQ job lock (renewed at half); also the repository's sweep lock. @default 5000 */
  lockDurationMs?: number;
  /** How often BullMQ looks for jobs whose worker died. @default 5000 */
  stalledIntervalMs?: number;
  /** Presence heartbeat; a location is gone after 3 missed beats. @default 1000 */
  heartbeatMs?: number;
  /** Re-open a repository (config, installation token) at least this often. @default 10 min */
  reloadEveryMs?: number;
  /** `/health` and `/metrics` on this port (0 = free port); undefined = no server. */
  metricsPort?: number;
  metricsHost?: string;
  now?: () => number;
  /** Give up starting when Redis does not answer within this. @default 10 s */
  connectTimeoutMs?: number;
  /** After each sweep job (tests, bench). */
  onSweep?: (report: SweepReport) => void;
}

/** What one sweep job did. */
export interface SweepReport {
  repo: string;
  location: string;
  workerId: string;
  jobId?: string;
  startedAt: number;
  endedAt: number;
  /** Why no sweep ran (another worker is sweeping the repository). */
  skipped?: string;
  result?: RunSweepResult;
  /** Per service with a quorum: the verdict of its last check this sweep. */
  verdicts: Record<string, QuorumVerdict>;
  /** `coqui: failing from fra only (iad, sin ok)…`, one line per service with something to say. */
  locationNotes: string[];
  /** Probes this worker made for the sweep (other locations' are theirs). */
  checks: number;
}

export interface RunningScaleWorker {
  workerId: string;
  location: string;
  metrics: ScaleMetrics;
  /** `http://host:port` of `/health` and `/metrics`, when served. */
  url?: string;
  close(): Promise<void>;
}

/**
 * A scale-out worker: takes sweep jobs from the shared queue (any location), answers probe requests for its own
 * location, beats its presence, serves `/health` and `/metrics`. Sweeps go through {@link sweepRepository}.
 */
export async function startScaleWorker(options: ScaleWorkerOptions): Promise<RunningScaleWorker> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const now = options.now ?? Date.now;
  const { location, logger } = options;
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const lockDurationMs = options.lockDurationMs ?? 5000;
  const stalledIntervalMs = options.stalledIntervalMs ?? 5000;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const reloadEveryMs = options.reloadEveryMs ?? 600_000;
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    client.on('error', (error: Error) => logger.debug(`redis: ${error.message}`));
    clients.push(client);
    return client;
  };
  const redis = connect();
  await reachable(redis, options.redisUrl, options.connectTimeoutMs ?? 10_000).catch(
    async (error: unknown) => {
      clients.forEach((c) => c.disconnect());
      throw error;
    },
  );
  const metrics = new ScaleMetrics(location, now);
  const presence = new Presence(redis, { prefix, location, workerId, ttlMs: heartbeatMs * 3 });
  await presence.beat(now());
  const beat = setInterval(
    () => presence.beat(now()).catch((e: Error) => logger.warn(`presence: ${e.message}`)),
    heartbeatMs,
  );
  beat.unref();
  const prober = new LocationProber(connect, prefix);
  const sweepQueue = new Queue<SweepJobData>(SWEEP_QUEUE, { connection: redis, prefix });

  const sessions = new Map<string, { version?: string; at: number; session: Promise<RepoSession> }>();
  const session = (repo: string, version?: string): Promise<RepoSession> => {
    const cached = sessions.get(repo);
    if (cached && cached.version === version && now() - cached.at < reloadEveryMs) return cached.session;
    const opened = options.open(repo);
    sessions.set(repo, { version, at: now(), session: opened });
    opened.catch(() => sessions.delete(repo)); // a failed open is retried by the next job
    return opened;
  };

  /** A sweep job's return value (kept by BullMQ briefly, seen in QueueEvents' `completed`). */
  type SweepJobResult = {
    workerId: string;
    location: string;
    skipped?: string;
    status?: string;
    locationNotes: string[];
  };
  const sweepJob = async (job: Job<SweepJobData>): Promise<SweepJobResult> => {
    const { repo, version } = job.data;
    const startedAt = now();
    const due = job.timestamp + (job.opts.delay ?? 0);
    metrics.queueLagSeconds.observe(
      { queue: SWEEP_QUEUE },
      Math.max(0, (job.processedOn ?? startedAt) - due) / 1000,
    );
    const lock = new SweepLock(redis, `${prefix}:sweeping:${repo}`, `${workerId}:${job.id}`, lockDurationMs);
    if (!(await lock.acquire())) {
      const skipped = 'another worker is still sweeping this repository';
      metrics.sweeps.inc({ location, outcome: 'skipped' });
      options.onSweep?.({
        repo,
        location,
        workerId,
        jobId: job.id,
        startedAt,
        endedAt: now(),
        skipped,
        verdicts: {},
        locationNotes: [],
        checks: 0,
      });
      return { workerId, location, skipped, locationNotes: [] };
    }
    try {
      const opened = await session(repo, version);
      let checks = 0;
      const { live, gone } = await presence.locations(now());
      const { probe, verdicts } = quorumProbe({
        engine: opened.engine,
        repo,
        version,
        own: location,
        live: live.includes(location) ? live : [...live, location],
        gone,
        prober,
        now,
        onCheck: () => {
          checks++;
          metrics.checked();
        },
      });
      const timer = metrics.sweepSeconds.startTimer({ location });
      const result = await sweepRepository(opened, probe);
      timer();
      const locationNotes = [...verdicts].filter(([, v]) => v.note).map(([id, v]) => `${id}: ${v.note}`);
      for (const [, verdict] of verdicts)
        if (verdict.verdict === 'location-problem')
          metrics.locationProblems.inc({ location, failing_from: verdict.failingFrom.join(',') });
      if (locationNotes.length) {
        logger.warn(`${repo}: ${locationNotes.join('; ')}`);
        // For `/status` and the dashboard: the latest location notes of the repository, kept a day.
        await redis.set(
          `${prefix}:location-notes:${repo}`,
          JSON.stringify({ at: now(), notes: locationNotes }),
          'EX',
          86_400,
        );
      }
      const { mode } = result.report;
      await retime(job, mode, resolveTuning(opened.engine.config, mode).healthCheckInterval);
      metrics.sweeps.inc({ location, outcome: 'swept' });
      metrics.lastSweep.set({ repo }, now() / 1000);
      const summary = locationNotes.length
        ? {
            ...result,
            summary: `${result.summary}\n\n#### Locations\n\n${locationNotes.map((n) => `- ${n}`).join('\n')}`,
          }
        : result;
      options.onSweep?.({
        repo,
        location,
        workerId,
        jobId: job.id,
        startedAt,
        endedAt: now(),
        result: summary,
        verdicts: Object.fromEntries(verdicts),
        locationNotes,
        checks,
      });
      return { workerId, location, status: result.status, locationNotes };
    } catch (error: unknown) {
      metrics.sweeps.inc({ location, outcome: 'failed' });
      logger.error(`Sweep of ${repo} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      await lock.release().catch(() => undefined /* expires on its own */);
    }
  };

  /**
   * After `/mode` the state's mode differs from the one the scheduler was timed for (`mode` in the job): re-time
   * the repository's scheduler at once (the bot's next sync agrees), so extreme means 5-s sweeps from the next.
   */
  const retime = async (job: Job<SweepJobData>, mode: Mode, everyMs: number) => {
    if (job.data.mode === undefined || job.data.mode === mode) return;
    await upsertRepo(sweepQueue, { repo: job.data.repo, everyMs, version: job.data.version, mode });
    logger.info(`${job.data.repo}: sweeping every ${everyMs} ms from now (the mode is ${mode}).`);
  };

  const probeJob = async (job: Job<ProbeJobData>): Promise<ProbeResult[] | null> => {
    const { repo, version, services, confirm, deadline } = job.data;
    metrics.queueLagSeconds.observe(
      { queue: 'probes' },
      Math.max(0, (job.processedOn ?? now()) - job.timestamp) / 1000,
    );
    if (now() > deadline) return null; // nobody waits for it any more
    const { engine } = await session(repo, version);
    const known = services.filter((id) => Object.hasOwn(engine.config.services, id));
    return mapBounded(known, engine.config.probeConcurrency, (id) => {
      metrics.checked();
      return engine.probe(engine.config.services[id], { confirm });
    });
  };

  const common = {
    prefix,
    lockDuration: lockDurationMs,
    stalledInterval: stalledIntervalMs,
    maxStalledCount: 1,
  };
  const sweeps = new Worker<SweepJobData>(SWEEP_QUEUE, sweepJob, {
    ...common,
    connection: connect(),
    concurrency: options.concurrency ?? 16,
  });
  const probes = new Worker<ProbeJobData>(probeQueueName(location), probeJob, {
    ...common,
    connection: connect(),
    concurrency: 64,
  });
  for (const [queue, worker] of [
    [SWEEP_QUEUE, sweeps],
    ['probes', probes],
  ] as const) {
    worker.on('stalled', (jobId) => {
      metrics.stalledJobs.inc({ queue });
      logger.warn(`Job ${jobId} of ${queue} stalled (its worker stopped): handed to another worker.`);
    });
    worker.on('error', (error) => logger.error(`Worker (${queue}): ${error.message}`));
  }
  await Promise.all([sweeps.waitUntilReady(), probes.waitUntilReady()]);
  let closed = false;
  const server =
    options.metricsPort === undefined
      ? undefined
      : await startMetricsServer({
          port: options.metricsPort,
          host: options.metricsHost,
          metrics,
          health: () => ({
            ok: !closed && redis.status === 'ready' && sweeps.isRunning() && probes.isRunning(),
            location,
            workerId,
            redis: redis.status,
          }),
        });
  logger.info(
    `Worker ${workerId} in ${location}: taking sweeps${server ? `; /health and /metrics on ${server.url}` : ''}.`,
  );
  return {
    workerId,
    location,
    metrics,
    url: server?.url,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      await Promise.all([sweeps.close(), probes.close()]);
      await prober.close();
      await sweepQueue.close();
      await presence.leave().catch(() => undefined);
      await server?.close();
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

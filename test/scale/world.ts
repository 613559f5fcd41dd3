import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { localRepoOpener, type LocalRepo } from '../../cli/worker-local.js';
import { upsertRepo } from '../../src/scale/schedulers.js';
import { SWEEP_QUEUE, type SweepJobData } from '../../src/scale/types.js';
import { startScaleWorker, type RunningScaleWorker, type SweepReport } from '../../src/scale/worker.js';
import type { Logger } from '../../src/util/logger.js';

/**
 * The scale-out tests' world: real Redis, real BullMQ workers in this process (one per location), repositories
 * as local config and state files, and each location's network as a `fetch` that says where it comes from
 * (`x-test-location`), so a real loopback service can fail for one location only.
 */

export const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Test timings: 200-ms sweeps, a 1-s lock and stalled check, 100-ms heartbeats. */
export const FAST = { everyMs: 200, lockDurationMs: 1000, stalledIntervalMs: 1000, heartbeatMs: 100 };

/** A fetch that tags each request with the location it is made from. */
export function locationFetch(location: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-test-location', location);
    return globalThis.fetch(input, { ...init, headers });
  };
}

/** Writes repositories' configs into a temp folder: name → YAML. */
export function writeRepos(configs: Record<string, string>): Record<string, LocalRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-scale-'));
  const repos: Record<string, LocalRepo> = {};
  for (const [name, yaml] of Object.entries(configs)) {
    mkdirSync(join(dir, name, '.uptime'), { recursive: true });
    writeFileSync(join(dir, name, 'uptime.yml'), yaml);
    repos[name] = {
      configPath: join(dir, name, 'uptime.yml'),
      statePath: join(dir, name, '.uptime', 'state.json'),
    };
  }
  return repos;
}

/** Workers and schedulers on one Redis under one key prefix (each test its own). */
export class ScaleWorld {
  readonly reports: SweepReport[] = [];
  readonly workers: RunningScaleWorker[] = [];
  private readonly connection: Redis;
  readonly queue: Queue<SweepJobData>;
  private waiters: Array<() => void> = [];

  constructor(
    readonly redisUrl: string,
    readonly prefix: string,
    readonly repos: Record<string, LocalRepo>,
  ) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(SWEEP_QUEUE, { connection: this.connection, prefix });
  }

  async worker(location: string, extra: { metricsPort?: number } = {}): Promise<RunningScaleWorker> {
    const worker = await startScaleWorker({
      redisUrl: this.redisUrl,
      location,
      prefix: this.prefix,
      open: localRepoOpener(this.repos, { env: {}, logger: quiet, fetch: locationFetch(location) }),
      logger: quiet,
      lockDurationMs: FAST.lockDurationMs,
      stalledIntervalMs: FAST.stalledIntervalMs,
      heartbeatMs: FAST.heartbeatMs,
      metricsPort: extra.metricsPort,
      metricsHost: '127.0.0.1',
      onSweep: (report) => {
        this.reports.push(report);
        for (const wake of this.waiters.splice(0)) wake();
      },
    });
    this.workers.push(worker);
    return worker;
  }

  async schedule(everyMs = FAST.everyMs): Promise<void> {
    for (const repo of Object.keys(this.repos)) await upsertRepo(this.queue, { repo, everyMs });
  }

  /** Resolves when `done(reports)` holds, checked after each sweep; rejects after `timeoutMs`. */
  until(
    done: (reports: SweepReport[]) => boolean,
    timeoutMs = 15_000,
    what = 'the condition',
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (done(this.reports)) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  swept(repo?: string): SweepReport[] {
    return this.reports.filter((r) => !r.skipped && (repo === undefined || r.repo === repo));
  }

  async close(): Promise<void> {
    for (const repo of Object.keys(this.repos))
      await this.queue.removeJobScheduler(`repo:${repo}`).catch(() => false);
    await Promise.all(this.workers.map((w) => w.close()));
    await this.queue.close();
    await this.connection.quit();
  }
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { syncSchedulers } from '../../src/scale/schedulers.js';
import { SWEEP_QUEUE } from '../../src/scale/types.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { FAST, ScaleWorld, writeRepos } from './world.js';

/** Real redis-server, real BullMQ workers, real HTTP services on loopback. No mock of Redis or BullMQ. */
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await closeAllTestServers();
  await redis.stop();
});

const healthy = (url: string) => `mode: extreme
services:
  api:
    url: ${url}
    timeout: 1s
`;

describe('two workers share repositories', () => {
  it("runs each repository's sweep once per interval, never two at once, spread over both workers", async () => {
    const service = await startTestServer({ kind: 'up' });
    const world = new ScaleWorld(
      redis.url,
      'share',
      writeRepos({ a: healthy(service.url), b: healthy(service.url), c: healthy(service.url) }),
    );
    try {
      await world.worker('fra');
      await world.worker('fra');
      await world.schedule();
      await world.until(
        (r) => ['a', 'b', 'c'].every((repo) => r.filter((x) => x.repo === repo && !x.skipped).length >= 10),
        15_000,
        '10 sweeps of each repository',
      );
      for (const repo of ['a', 'b', 'c']) {
        const sweeps = world.swept(repo).slice(0, 10);
        const span = sweeps.at(-1)!.startedAt - sweeps[0].startedAt;
        // 10 sweeps are 9 intervals apart: never two in one 200-ms slot (a busy 2-core machine may let a slot
        // pass: the scheduler makes the next job when the last one starts, so a late start drifts, never doubles).
        expect(span).toBeGreaterThanOrEqual(9 * FAST.everyMs - 100);
        expect(span).toBeLessThan(9 * FAST.everyMs * 2);
        for (let i = 1; i < sweeps.length; i++) {
          // Never two at once. (Two in a row may start close together when the first of them started late in
          // its slot on a busy machine; the span above shows there is still one per slot.)
          expect(sweeps[i].startedAt).toBeGreaterThanOrEqual(sweeps[i - 1].endedAt);
        }
      }
      const byWorker = new Set(world.swept().map((r) => r.workerId));
      expect(byWorker.size).toBe(2);
    } finally {
      await world.close();
    }
  }, 30_000);
});

const quorumConfig = (url: string, restart: string) => `mode: extreme
maxConsecutiveFailures: 1
restartAttemptDelay: 60s
recoveryTimeout: 5s
locations: { quorum: 2 }
services:
  api:
    url: ${url}
    timeout: 1s
    recovery: { provider: webhook, url: "${restart}" }
`;

describe('a quorum of locations', () => {
  it('a service failing from one of three locations is not restarted and the summary says from where; two of three restart it once', async () => {
    const failingFrom = new Set<string>();
    const restarts: number[] = [];
    const service = await startTestServer({
      kind: 'custom',
      handle: (req, res) => {
        const from = String(req.headers['x-test-location']);
        if (failingFrom.has(from)) res.writeHead(503).end('down');
        else res.writeHead(200).end('ok');
      },
    });
    const hook = await startTestServer(
      {
        kind: 'custom',
        handle: (_req, res) => {
          restarts.push(Date.now());
          failingFrom.clear(); // the restart fixed it, from everywhere
          res.writeHead(200).end('{}');
        },
      },
      '/restart',
    );
    const world = new ScaleWorld(
      redis.url,
      'quorum',
      writeRepos({ shop: quorumConfig(service.url, hook.url) }),
    );
    try {
      await world.worker('fra');
      await world.worker('iad');
      await world.worker('sin');
      failingFrom.add('fra');
      await world.schedule();
      const from = world.reports.length;
      await world.until((r) => r.slice(from).filter((x) => x.result).length >= 8, 15_000, '8 sweeps');
      const sweeps = world.reports.slice(from).filter((x) => x.result);
      expect(restarts).toHaveLength(0);
      for (const sweep of sweeps) {
        expect(sweep.result!.report.services.api.status).toBe('up');
        expect(sweep.verdicts.api.verdict).toBe('location-problem');
        expect(sweep.result!.summary).toContain('api: failing from fra only (iad, sin ok)');
      }
      // Every location took part in each check: the service saw all three.
      expect(new Set(service.log.map((l) => l.headers['x-test-location']))).toEqual(
        new Set(['fra', 'iad', 'sin']),
      );

      failingFrom.add('iad');
      await world.until(() => restarts.length >= 1, 15_000, 'the restart');
      const after = world.reports.length;
      await world.until(
        (r) => r.slice(after).filter((x) => x.result?.report.services.api.status === 'up').length >= 5,
        15_000,
        'healthy again',
      );
      expect(restarts).toHaveLength(1);
      const recovered = world.swept('shop').find((s) => s.result!.report.services.api.actions.length > 0)!;
      expect(recovered.result!.report.services.api.actions[0]).toMatchObject({
        action: 'restart',
        ok: true,
        healthy: true,
      });
      expect(recovered.result!.summary).toContain('failing from fra, iad');
      // The incident's timeline (the local log beside the state) says from where it failed.
      const log = readFileSync(join(dirname(world.repos.shop.statePath), 'incidents.md'), 'utf8');
      expect(log).toContain('failing from fra, iad');
    } finally {
      await world.close();
    }
  }, 45_000);

  it('a location with no live worker is reported in the summary and does not count', async () => {
    const service = await startTestServer({ kind: 'up' });
    const world = new ScaleWorld(
      redis.url,
      'gone',
      writeRepos({ web: quorumConfig(service.url, `${service.origin}/restart`) }),
    );
    try {
      await world.worker('fra');
      const iad = await world.worker('iad');
      await world.schedule();
      await world.until((r) => r.filter((x) => x.result).length >= 2, 10_000, 'two sweeps');
      await iad.close(); // leaves: the next sweeps see only fra
      const from = world.reports.length;
      await world.until(
        (r) => r.slice(from).some((x) => x.result?.summary.includes('iad (no live worker)')),
        10_000,
        'iad reported gone',
      );
      const last = world.reports.filter((x) => x.result).at(-1)!;
      expect(last.verdicts.api).toMatchObject({
        verdict: 'ok',
        quorum: 1,
        configuredQuorum: 2,
        okFrom: ['fra'],
      });
    } finally {
      await world.close();
    }
  }, 30_000);
});

describe('schedulers in step with the watched repositories', () => {
  it('adds, re-times (a /mode change) and removes Job Schedulers, leaving unchanged ones alone', async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(SWEEP_QUEUE, { connection, prefix: 'sync' });
    try {
      expect(
        await syncSchedulers(queue, [
          { repo: 'acme/api', everyMs: 10_000 },
          { repo: 'acme/web', everyMs: 10_000 },
        ]),
      ).toEqual({ upserted: ['acme/api', 'acme/web'], removed: [] });
      expect(
        await syncSchedulers(queue, [
          { repo: 'acme/api', everyMs: 5000, version: 'extreme' },
          { repo: 'acme/web', everyMs: 10_000 },
        ]),
      ).toEqual({ upserted: ['acme/api'], removed: [] });
      expect(await syncSchedulers(queue, [{ repo: 'acme/api', everyMs: 5000, version: 'extreme' }])).toEqual({
        upserted: [],
        removed: ['acme/web'],
      });
      const left = await queue.getJobSchedulers(0, -1);
      expect(left.map((s) => [s.key, Number(s.every)])).toEqual([['repo:acme/api', 5000]]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    }
  });
});

describe('operable', () => {
  it("serves /health and Prometheus /metrics with checks, queue lag, stalled jobs and each repository's last sweep", async () => {
    const service = await startTestServer({ kind: 'up' });
    const world = new ScaleWorld(redis.url, 'metrics', writeRepos({ 'acme-api': healthy(service.url) }));
    try {
      const worker = await world.worker('fra', { metricsPort: 0 });
      await world.schedule();
      await world.until((r) => r.filter((x) => x.result).length >= 3, 10_000, 'three sweeps');
      const health = await fetch(`${worker.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, location: 'fra', redis: 'ready' });
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      expect(text).toMatch(/^uptime_checks_total\{location="fra"\} ([3-9]|\d{2,})$/m);
      expect(text).toMatch(/^uptime_last_sweep_timestamp_seconds\{repo="acme-api",location="fra"\} \d+/m);
      expect(text).toMatch(/^uptime_queue_lag_seconds_count\{location="fra",queue="sweeps"\} \d+/m);
      expect(text).toMatch(/^uptime_stalled_jobs_total\{queue="sweeps",location="fra"\} 0$/m);
      expect(text).toContain('uptime_worker_process_resident_memory_bytes');
      await worker.close();
      await expect(fetch(`${worker.url}/health`)).rejects.toThrow();
    } finally {
      await world.close();
    }
  }, 20_000);
});

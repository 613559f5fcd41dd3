import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { SWEEP_QUEUE } from '../../src/scale/types.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { writeRepos } from './world.js';

/**
 * Two `uptime-action worker` processes (local mode, one repository, the same state file) on a real Redis;
 * the one in the middle of a restart is killed with SIGKILL. The other takes the repository over within two
 * intervals plus the stalled-job check, and the restart is not done twice.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const INTERVAL_MS = 1000; // the config's smallest healthCheckInterval
const STALLED_MS = 1000;

let redis: TestRedis;
const children: ChildProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await closeAllTestServers();
  await redis.stop();
});

function startWorker(
  location: string,
  configPath: string,
  statePath: string,
): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/index.ts', 'worker', 'shop', '--config', configPath, '--state', statePath],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        UPTIME_REDIS_URL: redis.url,
        UPTIME_LOCATION: location,
        PORT: '0',
        HOST: '127.0.0.1',
        UPTIME_LOCK_MS: String(STALLED_MS),
        UPTIME_STALLED_MS: String(STALLED_MS),
        UPTIME_HEARTBEAT_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^worker \S+ in /m.test(out)) resolve({ child, pid: child.pid! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
}

describe('a worker killed with SIGKILL in the middle of a sweep', () => {
  it('has its repository taken over within 2 intervals + the stalled check, with no second restart', async () => {
    const restarts: number[] = [];
    const service = await startTestServer({ kind: 'status', status: 503 });
    // The restart call hangs: the worker is killed while it waits for the platform.
    const hook = await startTestServer(
      { kind: 'custom', handle: () => void restarts.push(Date.now()) },
      '/restart',
    );
    const repos = writeRepos({
      shop: `mode: extreme
healthCheckInterval: 1s
maxConsecutiveFailures: 1
restartAttemptDelay: 60s
services:
  api:
    url: ${service.url}
    timeout: 1s
    recovery: { provider: webhook, url: "${hook.url}" }
`,
    });
    const eventsConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const events = new QueueEvents(SWEEP_QUEUE, { connection: eventsConnection, prefix: 'uptime' });
    await events.waitUntilReady();
    const completed: Array<{ at: number; workerId: string; skipped?: string }> = [];
    events.on('completed', ({ returnvalue }) => {
      const value = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as {
        workerId: string;
        skipped?: string;
      };
      completed.push({ at: Date.now(), ...value });
    });
    const redisClient = new Redis(redis.url);
    try {
      const [a, b] = await Promise.all([
        startWorker('fra', repos.shop.configPath, repos.shop.statePath),
        startWorker('fra', repos.shop.configPath, repos.shop.statePath),
      ]);
      await until(() => restarts.length === 1, 20_000, 'the restart call');
      const holder = (await redisClient.get('uptime:sweeping:shop')) ?? '';
      const pid = Number(/-(\d+)-[0-9a-f]{8}:/.exec(holder)?.[1]);
      expect([a.pid, b.pid]).toContain(pid);
      const victim = pid === a.pid ? a : b;
      const survivor = victim === a ? b : a;
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await until(() => completed.some((c) => c.at > killedAt && !c.skipped), 15_000, "the survivor's sweep");
      const takeover = completed.find((c) => c.at > killedAt && !c.skipped)!;
      expect(takeover.workerId).toContain(`-${survivor.pid}-`);
      // Within 2 intervals + the stalled-job check (plus process scheduling slack on a shared 2-core machine).
      expect(takeover.at - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + STALLED_MS + 500);
      // Three more sweeps by the survivor: the service is still down, and the claimed restart is not repeated.
      await until(
        () => completed.filter((c) => c.at > killedAt && !c.skipped).length >= 4,
        15_000,
        'more sweeps',
      );
      expect(restarts).toHaveLength(1);
      const state = JSON.parse(readFileSync(repos.shop.statePath, 'utf8')) as {
        services: { api: { attempts: unknown[] } };
      };
      expect(state.services.api.attempts).toHaveLength(1);
    } finally {
      await events.close();
      eventsConnection.disconnect();
      redisClient.disconnect();
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }, 60_000);
});

function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (done()) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

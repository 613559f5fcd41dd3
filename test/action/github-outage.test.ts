import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { runSweep } from '../../src/run/sweep.js';
import type { UptimeState } from '../../src/state/types.js';
import { virtualClock } from '../helpers/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { restartableApi } from './restartable-api.js';

/**
 * GitHub answering 500, 502 or a secondary rate limit for the first five minutes of a ten-minute watch while
 * the service is down: the run restarts it anyway, asks GitHub again only as often as it backs off (never
 * before a `retry-after`), and once GitHub answers writes what it owes onto the shared state: its checks
 * added to the totals, the outage and the repair. No incident is opened blind (so none twice), and the next
 * run carries on from the state written.
 */
const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const OUTAGE_MS = 5 * 60_000;

let github: GitHubStub;
let api: TestServer;
let restarts: number[];

beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'up' });
  restarts = [];
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await Promise.all([github.close(), api.close()]);
});

type Fault = (during: () => boolean) => GitHubStub['faults'];
const faults: Record<string, Fault> = {
  '500': (during) => ({ serverError: { times: Infinity, status: 500, match: during } }),
  '502': (during) => ({ serverError: { times: Infinity, status: 502, match: during } }),
  'a secondary rate limit (403, retry-after 60)': (during) => ({
    secondaryRateLimit: { times: Infinity, retryAfterSeconds: 60, match: during },
  }),
};

const wiring = (clock: ReturnType<typeof virtualClock>) =>
  restartableApi(github, api, clock, () => restarts.push(clock.now()));

const saved = () => github.readJson('uptime-state', 'state.json') as UptimeState;

describe('GitHub down for five minutes during a run', () => {
  test.each(Object.keys(faults))(
    'GitHub answering %s: the service is restarted anyway, GitHub is not stormed, and the run writes what it owes once GitHub is back',
    async (kind) => {
      const clock = virtualClock(START - 60_000);
      // A first run while GitHub is fine: the shared state has a history of checks.
      const first = wiring(clock);
      await runSweep({ deps: first.engine, store: first.store, watchMs: 30_000 });
      const before = saved().services.api;
      expect(before.checks.total).toBeGreaterThan(0);

      clock.set(START);
      const failedAt: number[] = [];
      const during = () => {
        const down = clock.now() < START + OUTAGE_MS;
        if (down) failedAt.push(clock.now());
        return down;
      };
      Object.assign(github.faults, faults[kind](during));
      api.set({ kind: 'status', status: 503 });
      const run = wiring(clock);
      const result = await runSweep({ deps: run.engine, store: run.store, watchMs: 10 * 60_000 });

      // Recovery did not wait for GitHub.
      expect(restarts).toHaveLength(1);
      expect(restarts[0]).toBeLessThan(START + OUTAGE_MS);
      expect(result.report.sweeps).toBeGreaterThanOrEqual(100);
      // No storm: 120 sweeps, and GitHub asked again in a few bursts (a read and its two quick retries), the
      // bursts at least 30 s apart and never sooner than GitHub's retry-after.
      const bursts = failedAt.filter((at, i) => i === 0 || at - failedAt[i - 1] > 10_000);
      expect(failedAt.length).toBeLessThanOrEqual(bursts.length * 3);
      expect(bursts.length).toBeLessThanOrEqual(5);
      const least = kind.includes('retry-after 60') ? 60_000 : 30_000;
      for (let i = 1; i < bursts.length; i++) expect(bursts[i] - bursts[i - 1]).toBeGreaterThanOrEqual(least);
      // What it owed is written once GitHub answered: its checks on top of the earlier ones, the outage, the repair.
      expect(result.wrote).toBe(true);
      const after = saved().services.api;
      expect(after.health.status).toBe('up');
      expect(after.repairs).toBe(before.repairs + 1);
      // At least the 60 sweeps of the five minutes GitHub was down (at 5 s), on top of the earlier checks.
      expect(after.checks.total).toBeGreaterThanOrEqual(before.checks.total + 60);
      expect(after.outages.some((o) => o.start >= START && o.end !== undefined)).toBe(true);
      // No incident opened blind, so none twice.
      expect(github.issues).toHaveLength(0);

      // The next run carries on from it.
      clock.set(START + 15 * 60_000);
      const next = wiring(clock);
      const nextResult = await runSweep({ deps: next.engine, store: next.store, watchMs: 0 });
      expect(nextResult.status).toBe('up');
      expect(saved().services.api.checks.total).toBeGreaterThanOrEqual(after.checks.total);
      expect(saved().services.api.repairs).toBe(after.repairs);
      expect(github.issues).toHaveLength(0);
    },
    30_000,
  );
});

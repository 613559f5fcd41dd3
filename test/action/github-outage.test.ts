import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { runSweep } from '../../src/run/sweep.js';
import { githubServices } from '../../src/run/github-services.js';
import type { Provider } from '../../src/providers/types.js';
import { memoryLogger, testOctokit } from '../github/fixtures.js';
import { virtualClock } from '../helpers/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/**
 * GitHub answering 500, 502 or a secondary rate limit for the first five minutes of a ten-minute watch while
 * the service is down: the run probes and restarts anyway, asks GitHub a bounded number of times (no storm),
 * and writes nothing on a state it never read (no incident opened blind, so none twice). Writing what such a
 * run owes once GitHub is back is not built (docs/troubleshooting.md, "GitHub was down during a run").
 */
const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const OUTAGE_MS = 5 * 60_000;

let github: GitHubStub;
let api: TestServer;
let restarts: number[];

beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'status', status: 503 });
  restarts = [];
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await Promise.all([github.close(), api.close()]);
});

const faults = {
  '500': (during: () => boolean) => ({ serverError: { times: Infinity, status: 500, match: during } }),
  '502': (during: () => boolean) => ({ serverError: { times: Infinity, status: 502, match: during } }),
  'a secondary rate limit (403, retry-after 60)': (during: () => boolean) => ({
    secondaryRateLimit: { times: Infinity, retryAfterSeconds: 60, match: during },
  }),
};

describe('GitHub down for five minutes during a run', () => {
  test.each(Object.keys(faults) as Array<keyof typeof faults>)(
    'GitHub answering %s: the service is restarted anyway, GitHub is asked a bounded number of times, nothing is written blind',
    async (kind) => {
      const clock = virtualClock(START);
      const during = () => clock.now() < START + OUTAGE_MS;
      Object.assign(github.faults, faults[kind](during));
      // A restart that works: the service answers 200 from then on.
      const provider: Provider = {
        type: 'webhook',
        restart: async () => {
          restarts.push(clock.now());
          api.set({ kind: 'up' });
          return { ok: true, detail: 'restarted' };
        },
        redeploy: async () => ({ ok: false, detail: 'not needed here' }),
      };
      const config = parseConfig(
        {
          mode: 'extreme',
          services: {
            api: {
              name: 'API',
              url: api.url,
              recovery: { provider: 'webhook', url: 'http://127.0.0.1:9/hook' },
            },
          },
        },
        'test',
      );
      const logger = memoryLogger();
      const wiring = githubServices(config, {
        owner: github.owner,
        repo: github.repo,
        client: testOctokit(github.url),
        env: {},
        clock,
        logger,
        fetch: globalThis.fetch,
        provider: () => provider,
      });
      const result = await runSweep({ deps: wiring.engine, store: wiring.store, watchMs: 10 * 60_000 });
      // Recovery did not wait for GitHub.
      expect(restarts.length).toBe(1);
      expect(restarts[0]).toBeLessThan(START + OUTAGE_MS);
      expect(result.report.sweeps).toBeGreaterThanOrEqual(100);
      expect(result.report.services.api.status).toBe('up');
      // No storm: 120 sweeps, and GitHub was asked a handful of times (the read and its bounded retries).
      expect(github.requests.length).toBeGreaterThan(0);
      expect(github.requests.length).toBeLessThanOrEqual(5);
      // Said once, in the summary; nothing written on a state never read, no incident opened blind.
      expect(result.summary).toMatch(/could not|unavailable|unreachable/i);
      expect(result.wrote).toBe(false);
      expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(github.issues).toHaveLength(0);
    },
    30_000,
  );
});

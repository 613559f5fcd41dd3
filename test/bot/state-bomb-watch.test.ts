/**
 * The hosted watch of two repositories in one bot process, one of which has a state bomb on its state branch
 * (an hourly bucket with `ok: 2e9`, 150,000 buckets, a pause until 1e300): before, that sweep ran the bot out
 * of memory (every watched repository down with it). Now the bad parts are reset, both repositories are
 * swept, the other one's incident is opened, and the heap stays bounded.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { watchRepository, type AppAuth } from '../../bot/watch.js';
import { silentLogger } from '../../src/util/logger.js';
import { virtualClock } from '../helpers/clock.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

const START = Date.UTC(2026, 0, 5, 12);
let bombed: GitHubStub;
let healthy: GitHubStub;
let down: TestServer;

async function put(stub: GitHubStub, path: string, branch: string, text: string): Promise<Response> {
  return fetch(`${stub.url}/repos/acme/site/contents/${path}`, {
    method: 'PUT',
    body: JSON.stringify({ message: path, content: Buffer.from(text).toString('base64'), branch }),
  });
}

beforeEach(async () => {
  down = await startTestServer({ kind: 'status', status: 503 });
  [bombed, healthy] = await Promise.all([
    startGitHubStub({ owner: 'acme', repo: 'site', defaultBranch: 'main' }),
    startGitHubStub({ owner: 'acme', repo: 'site', defaultBranch: 'main' }),
  ]);
  const config = `mode: extreme\nservices:\n  api:\n    url: ${down.url}\n`;
  await put(bombed, '.github/uptime.yml', 'main', config);
  await put(healthy, '.github/uptime.yml', 'main', config);
  const hour = Math.floor(START / 3_600_000) * 3_600_000;
  const bucket = (t: number, ok: number) => ({ t, ok, total: ok, p50: 10, p95: 10, max: 10 });
  const bomb = {
    version: 1,
    services: {},
    pauses: { api: { until: 1e300, at: START } },
    incidents: {},
    unmonitored: [],
    history: {
      services: {
        api: { hourly: [bucket(hour - 3_600_000, 2e9)], daily: [] },
        old: { hourly: Array.from({ length: 150_000 }, (_, i) => bucket(i, 1)), daily: [] },
      },
      incidents: [],
    },
  };
  const branch = await fetch(`${bombed.url}/repos/acme/site/git/refs`, {
    method: 'POST',
    body: JSON.stringify({ ref: 'refs/heads/uptime-state', sha: bombed.branches.get('main') }),
  });
  expect(branch.ok).toBe(true);
  expect((await put(bombed, 'state.json', 'uptime-state', JSON.stringify(bomb))).ok).toBe(true);
});

afterEach(async () => {
  await Promise.all([bombed.close(), healthy.close(), down.close()]);
});

function app(stub: GitHubStub): AppAuth {
  const installation = new Octokit({ baseUrl: stub.url, request: { fetch: globalThis.fetch } });
  return {
    auth: async (id?: number) =>
      id === undefined
        ? { request: async () => ({ status: 200, data: { id: 77 }, headers: {} }) }
        : installation,
  };
}

describe('a state bomb in one watched repository', () => {
  it('does not take the bot down: both repositories are watched, memory stays bounded', async () => {
    const controller = new AbortController();
    const opened = new Set<string>();
    const warnings: string[] = [];
    let sweepsOfBombed = 0;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const watchOne = (stub: GitHubStub, name: string) =>
      watchRepository(
        app(stub),
        { owner: 'acme', repo: 'site' },
        {
          env: { UPTIME_PRIVATE_TARGETS: 'allow' },
          clock: virtualClock(START),
          logger: { ...silentLogger, warn: (m: string) => void warnings.push(m) },
          fetch: globalThis.fetch,
          reloadEveryMs: 3_600_000,
          onEvent: (_repo, event) => {
            peak = Math.max(peak, process.memoryUsage().heapUsed);
            if (event.type === 'check' && name === 'bombed') sweepsOfBombed++;
            if (event.type === 'incident-opened') opened.add(name);
            if (opened.size === 2 && sweepsOfBombed >= 3) controller.abort();
          },
        },
        controller.signal,
      );
    await Promise.all([watchOne(bombed, 'bombed'), watchOne(healthy, 'healthy')]);
    expect([...opened].sort()).toEqual(['bombed', 'healthy']);
    // The bomb was read, and its parts reset (kept aside on the branch as before).
    expect(warnings.some((w) => w.includes('history.services.api dropped'))).toBe(true);
    expect(sweepsOfBombed).toBeGreaterThanOrEqual(3);
    // Before, the day's median repeated a value 2e9 times (16 GB); the reset parts never reach a sweep.
    expect(peak - before).toBeLessThan(512 * 1024 * 1024);
  }, 60_000);
});

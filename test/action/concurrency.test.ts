import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { runSweep } from '../../src/run/sweep.js';
import type { Provider } from '../../src/providers/types.js';
import { GitHubStateStore } from '../../src/state/github.js';
import type { UptimeState } from '../../src/state/types.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { memoryLogger, stubServices, testOctokit } from '../github/fixtures.js';
import { virtualClock } from '../helpers/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

let github: GitHubStub;
let api: TestServer;
let web: TestServer;
const restarts: string[] = [];
/** A provider whose restarts are accepted but change nothing (the service stays down). */
const stubborn: Provider = {
  type: 'webhook',
  restart: async (service) => (restarts.push(service.id), { ok: true, detail: 'restart accepted' }),
  redeploy: async (service) => (restarts.push(service.id), { ok: true, detail: 'redeploy accepted' }),
};

function services(clock: Clock = systemClock) {
  const config = parseConfig(
    {
      mode: 'extreme',
      recoveryTimeout: '1s',
      healthCheckInterval: '1s',
      services: {
        api: { url: api.url, recovery: { provider: 'webhook', url: 'http://127.0.0.1:9/hook' } },
        web: { url: web.url },
      },
    },
    'test',
  );
  return stubServices(github, config, { clock, provider: () => stubborn });
}

beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'status', status: 503 });
  web = await startTestServer({ kind: 'up' });
  restarts.length = 0;
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await Promise.all([github.close(), api.close(), web.close()]);
});

describe('runs at the same moment', () => {
  test('two concurrent runs and a bot /mode write, with 409s injected: one issue, and no update lost', async () => {
    github.faults.conflictEveryOtherStateWrite = true;
    github.faults.latencyMs = 2;
    const a = services();
    const b = services();
    const bot = new GitHubStateStore({
      owner: github.owner,
      repo: github.repo,
      client: testOctokit(github.url),
      clock: systemClock,
      logger: memoryLogger(),
      baseDelayMs: 5,
    });
    const [ra, rb] = await Promise.all([
      runSweep({ deps: a.engine, store: a.store, watchMs: 0 }),
      runSweep({ deps: b.engine, store: b.store, watchMs: 0 }),
      bot.update((s) => ({ ...s, mode: 'normal', modeSetBy: 'octocat' })),
    ]);
    expect(ra.status).toBe('down');
    expect(rb.status).toBe('down');
    expect(github.openIssues('service:api')).toHaveLength(1);
    const saved = github.readJson('uptime-state', 'state.json') as UptimeState;
    expect(saved.mode).toBe('normal');
    expect(saved.modeSetBy).toBe('octocat');
    expect(saved.services.api.health.status).toBe('down');
    expect(saved.services.api.repairs).toBeGreaterThanOrEqual(1);
    expect(saved.incidents.api.number).toBe(github.openIssues('service:api')[0].number);
    expect(github.requests.some((r) => r.method === 'PUT' && r.status === 409)).toBe(true);
  });

  test('watch: keeps sweeping inside the job and notices a service that breaks mid-watch', async () => {
    api.set({ kind: 'up' });
    // A virtual clock (the watch's waits advance it) and a service that breaks after its first check.
    const s = services(virtualClock());
    web.set({
      kind: 'custom',
      handle: (_req, res) => res.writeHead(web.requests === 1 ? 200 : 500).end(),
    });
    const result = await runSweep({ deps: s.engine, store: s.store, watchMs: 2500, mode: 'extreme' });
    expect(result.report.sweeps).toBeGreaterThanOrEqual(2);
    expect(result.down).toEqual(['web']);
    expect(result.failure).toMatch(/web is still down/);
    expect(github.openIssues('service:web')).toHaveLength(1);
  });
});

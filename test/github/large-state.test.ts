import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { runSweep } from '../../src/run/sweep.js';
import { GitHubStateStore } from '../../src/state/github.js';
import { emptyRecord } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { systemClock } from '../../src/util/clock.js';
import { CONTENTS_API_MAX_BYTES, startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { memoryLogger, stubServices, testOctokit } from './fixtures.js';

let github: GitHubStub;
let api: TestServer;
let broken: TestServer;

beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'up' });
  broken = await startTestServer({ kind: 'status', status: 503 });
});
afterEach(async () => {
  await Promise.all([github.close(), api.close(), broken.close()]);
});

const store = () =>
  new GitHubStateStore({
    owner: github.owner,
    repo: github.repo,
    client: testOctokit(github.url),
    clock: systemClock,
    logger: memoryLogger(),
  });

/** A state of about 12.6 MB: one service with many short outages, all inside the 90 days kept. */
function bigState(base: UptimeState): UptimeState {
  const now = Date.now();
  const outages = Array.from({ length: 15_000 }, (_, i) => ({
    start: now - 80 * 86_400_000 + i * 40_000,
    end: now - 80 * 86_400_000 + i * 40_000 + 1_000,
    reason: `HTTP 503 from the health endpoint (sample ${i}) ${'x'.repeat(800)}`,
  }));
  const api = { ...emptyRecord(now), outages };
  return { ...base, services: { ...base.services, api } };
}

describe('a state file larger than the contents API returns', () => {
  test('12.6 MB: read whole through the blob API, and the next run reads, sweeps and writes it', async () => {
    await store().update((s) => bigState(s));
    const size = Buffer.byteLength(JSON.stringify(github.readJson('uptime-state', 'state.json'), null, 1));
    expect(size).toBeGreaterThan(12 * 1024 * 1024);
    expect(size).toBeGreaterThan(CONTENTS_API_MAX_BYTES);

    const before = github.requests.length;
    const read = await store().read();
    expect(read.services.api.outages).toHaveLength(15_000);
    const reads = github.requests.slice(before).map((r) => `${r.method} ${r.url.split('?')[0]}`);
    expect(reads.some((r) => r.includes('/git/blobs/'))).toBe(true);

    const writes: string[] = [];
    const config = parseConfig(
      { mode: 'extreme', services: { api: { url: api.url }, web: { url: broken.url } } },
      'test',
    );
    const { engine, store: shared } = stubServices(github, config, {
      clock: systemClock,
      onStateWrite: (line) => writes.push(line),
    });
    const result = await runSweep({
      deps: engine,
      store: shared,
      watchMs: 0,
      storeWrites: () => writes,
    });
    expect(result.status).toBe('down');
    expect(result.report.services.api.status).toBe('up');
    const saved = github.readJson('uptime-state', 'state.json') as UptimeState;
    expect(saved.services.api.outages).toHaveLength(15_000);
    // The outage of web was recorded: the write went through with the big file's sha.
    expect(saved.services.web.health.status).toBe('down');
    expect(result.done).toContain('Saved the state (state.json on uptime-state).');
  }, 60_000);
});

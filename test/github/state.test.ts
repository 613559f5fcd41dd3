import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { GitHubStateStore } from '../../src/state/github.js';
import { emptyRecord } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { virtualClock } from '../helpers/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { memoryLogger, testOctokit } from './fixtures.js';

let stub: GitHubStub;
const clock = virtualClock(Date.UTC(2026, 0, 1));

function store(branch?: string): GitHubStateStore {
  return new GitHubStateStore({
    client: testOctokit(stub.url),
    owner: stub.owner,
    repo: stub.repo,
    clock,
    logger: memoryLogger(),
    branch,
    baseDelayMs: 1,
  });
}

beforeEach(async () => {
  stub = await startGitHubStub();
});
afterEach(async () => {
  expect(checkRequests(stub.requests)).toEqual([]);
  await stub.close();
});

describe('state on its own branch', () => {
  test('reading a repository with no state makes zero writes and gives the empty state', async () => {
    const s = store();
    const state = await s.read();
    expect(state).toMatchObject({ version: 1, services: {}, incidents: {} });
    await s.update((st) => st); // a change that changes nothing
    await s.update(() => undefined);
    expect(stub.writes()).toEqual([]);
    expect(stub.branches.has('uptime-state')).toBe(false);
  });

  test('the first write creates an orphan branch; the default branch is never written', async () => {
    await store().update((s) => ({ ...s, mode: 'extreme', modeSetBy: 'octocat' }));
    expect(stub.branches.has('uptime-state')).toBe(true);
    expect(stub.rootParents('uptime-state')).toEqual([]);
    expect(stub.sharesHistory('uptime-state', 'main')).toBe(false);
    expect(stub.branchWrites.main).toBeUndefined();
    expect(stub.readJson('uptime-state', 'state.json')).toMatchObject({
      version: 1,
      mode: 'extreme',
      modeSetBy: 'octocat',
    });

    await store().update((s) => ({ ...s, mode: 'normal' }));
    expect(stub.readJson('uptime-state', 'state.json')).toMatchObject({ mode: 'normal' });
    expect(stub.rootParents('uptime-state')).toEqual([]);
    expect(stub.branchWrites.main).toBeUndefined();
    expect(await store().read()).toMatchObject({ mode: 'normal' });
  });

  test('a configurable branch name', async () => {
    await store('ops/uptime').update((s) => ({ ...s, mode: 'extreme' }));
    expect(stub.readJson('ops/uptime', 'state.json')).toMatchObject({ mode: 'extreme' });
  });

  test('two writers at once: a 409 re-reads and re-applies, so neither update is lost', async () => {
    await store().update((s) => ({ ...s, pauses: { seed: { at: 1 } } }));
    const a = store();
    const b = store();
    await Promise.all([a.read(), b.read()]);
    stub.faults.latencyMs = 3;
    const addService = (key: string) => (s: UptimeState) => ({
      ...s,
      services: { ...s.services, [key]: emptyRecord(clock.now()) },
    });
    await Promise.all([a.update(addService('backend')), b.update(addService('coqui'))]);
    const saved = stub.readJson('uptime-state', 'state.json') as UptimeState;
    expect(Object.keys(saved.services).sort()).toEqual(['backend', 'coqui']);
    expect(stub.requests.some((r) => r.method === 'PUT' && r.status === 409)).toBe(true);
  });

  test('injected 409 on every other write: every update still lands', async () => {
    stub.faults.conflictEveryOtherStateWrite = true;
    const s = store();
    await s.update((st) => ({ ...st, mode: 'extreme' })); // creates the branch (no PUT)
    for (const key of ['a', 'b', 'c'])
      await s.update((st) => ({ ...st, pauses: { ...st.pauses, [key]: { at: 1 } } }));
    const saved = stub.readJson('uptime-state', 'state.json') as UptimeState;
    expect(Object.keys(saved.pauses).sort()).toEqual(['a', 'b', 'c']);
    expect(stub.requests.filter((r) => r.method === 'PUT' && r.status === 409)).toHaveLength(3);
  });

  test('old daily totals are pruned on write, so the file stays bounded', async () => {
    const old = '2025-01-01';
    await store().update((s) => ({
      ...s,
      services: {
        api: {
          ...emptyRecord(clock.now()),
          daily: { [old]: { ok: 1, total: 1, slow: 0, responseMsTotal: 5 } },
        },
      },
    }));
    const saved = stub.readJson('uptime-state', 'state.json') as UptimeState;
    expect(saved.services.api.daily[old]).toBeUndefined();
  });

  test('a token that cannot write gets an error with the fix', async () => {
    const s = new GitHubStateStore({
      client: testOctokit(stub.url),
      owner: stub.owner,
      repo: 'missing',
      clock,
      logger: memoryLogger(),
    });
    await expect(s.update((st) => ({ ...st, mode: 'extreme' }))).rejects.toThrow(/contents: write/);
  });
});

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { runSweep } from '../../src/run/sweep.js';
import { parseStateText } from '../../src/state/schema.js';
import type { UptimeState } from '../../src/state/types.js';
import { virtualClock } from '../helpers/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { restartableApi } from './restartable-api.js';

/**
 * The Action interrupted while it writes the state branch: GitHub failing in the middle of creating the branch
 * (blob, tree and commit made, the ref refused), or applying a state write and losing the answer. What the
 * branch holds afterwards is the old state or the new one, valid, and the next run carries on from it: the
 * outage and the repair counted once, one incident.
 */
const START = Date.UTC(2026, 5, 1, 12, 0, 0);

let github: GitHubStub;
let api: TestServer;
let restarts: number;

beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'up' });
  restarts = 0;
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await Promise.all([github.close(), api.close()]);
});

const wiring = (clock: ReturnType<typeof virtualClock>) =>
  restartableApi(github, api, clock, () => restarts++);

async function run(clock: ReturnType<typeof virtualClock>, watchMs: number) {
  const w = wiring(clock);
  return runSweep({ deps: w.engine, store: w.store, watchMs });
}

/** The state file on the branch, parsed by the product's own schema: it must be whole and valid. */
function branchState(): UptimeState {
  const text = `${JSON.stringify(github.readJson('uptime-state', 'state.json'))}`;
  const { state, problems } = parseStateText(text);
  expect(problems).toEqual([]);
  return state;
}

const apiIssues = () => github.issues.filter((i) => i.title.includes('API'));

describe('the Action interrupted while it writes the state branch', () => {
  test('the branch creation fails after its commit (the ref refused, retries too): no branch, and the next run creates it whole', async () => {
    const clock = virtualClock(START);
    let refused = 0;
    github.faults.serverError = {
      times: Infinity,
      status: 500,
      match: (m, p) => m === 'POST' && p.endsWith('/git/refs') && ++refused > 0,
    };
    api.set({ kind: 'status', status: 503 });
    await run(clock, 0);
    // The commit was made, the ref was not: the branch does not exist, nothing half-made is visible.
    expect(github.requests.some((r) => r.method === 'POST' && r.url.endsWith('/git/commits'))).toBe(true);
    expect(github.readJson('uptime-state', 'state.json')).toBeUndefined();
    expect(refused).toBeGreaterThan(0);
    github.faults.serverError = undefined;

    clock.advance(5_000);
    await run(clock, 0);
    const state = branchState();
    expect(state.services.api.checks.total).toBeGreaterThan(0);
  });

  test('a state write applied but answered 500, in the middle of a watch: the next write re-reads, and the outage and repair count once', async () => {
    const clock = virtualClock(START);
    await run(clock, 0); // the branch exists, the service up
    const before = branchState().services.api;

    clock.set(START + 60_000);
    api.set({ kind: 'status', status: 503 });
    // Every state write of this run lands and then answers 500, twice.
    github.faults.lostAnswer = { times: 2, match: (m, p) => m === 'PUT' && p.includes('/contents/') };
    const result = await run(clock, 2 * 60_000);
    expect(restarts).toBe(1);
    expect(result.report.services.api.status).toBe('up');
    // The lost answers made the next write stale (409) and re-read: never a torn or doubled state.
    expect(github.requests.some((r) => r.method === 'PUT' && r.status === 500)).toBe(true);
    const after = branchState().services.api;
    expect(after.repairs).toBe(before.repairs + 1);
    expect(after.attempts.filter((a) => a.at >= START + 60_000)).toHaveLength(1);
    expect(after.outages.filter((o) => o.start >= START + 60_000)).toHaveLength(1);
    expect(apiIssues()).toHaveLength(1);

    // The next run carries on: reads it, sweeps, opens nothing new.
    clock.set(START + 10 * 60_000);
    const next = await run(clock, 0);
    expect(next.status).toBe('up');
    expect(branchState().services.api.repairs).toBe(after.repairs);
    expect(apiIssues()).toHaveLength(1);
  });
});

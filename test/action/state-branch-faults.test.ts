import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionRunResult } from '../../src/run/action.js';
import { scheduledRun } from './scheduled-run.js';
import { parseStateText } from '../../src/state/schema.js';
import { virtualClock } from '../helpers/clock.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';

/**
 * The Action's run while GitHub fails in the middle of writing the state branch: a commit created but the ref
 * not moved, a write applied but answered 500. The branch then holds the old state or the new one, never a
 * half-applied one, and the next run reads it and carries on: no transition lost, no incident opened twice.
 */

let github: GitHubStub;
let api: TestServer;
let hook: TestServer;
let receiver: Receiver;
let workspace: string;
const restarts: string[] = [];
beforeEach(async () => {
  restarts.length = 0;
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'status', status: 503 });
  hook = await startTestServer(
    {
      kind: 'custom',
      handle: (req, res) => {
        restarts.push(req.url ?? '');
        res.end('{}');
      },
    },
    '/restart',
  );
  receiver = await startReceiver();
  workspace = await mkdtemp(join(tmpdir(), 'uptime-state-faults-'));
  await mkdir(join(workspace, '.github'));
  await writeFile(
    join(workspace, '.github', 'uptime.yml'),
    [
      'mode: extreme',
      'services:',
      `  api: { name: Public API, url: "${api.url}", recovery: { provider: webhook, url: "${hook.url}" } }`,
      'notify:',
      `  - { type: webhook, url: "${receiver.origin}/hook" }`,
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await Promise.all([
    github.close(),
    api.close(),
    hook.close(),
    receiver.close(),
    rm(workspace, { recursive: true, force: true }),
  ]);
});

const START = Date.UTC(2026, 11, 4, 9);

async function run(at: number): Promise<ActionRunResult> {
  return scheduledRun(github, workspace, {
    clock: virtualClock(at),
    env: { UPTIME_PRIVATE_TARGETS: 'allow' },
  });
}

/** The state file on the branch, checked whole by the one state schema (undefined: no branch yet). */
function stateOnBranch() {
  const raw = github.readJson('uptime-state', 'state.json');
  if (raw === undefined) return undefined;
  const { state, problems } = parseStateText(JSON.stringify(raw));
  expect(problems).toEqual([]);
  return state;
}

/** The transitions the notification receiver was told, by stable id (a repeat carries the same id). */
function told(): string[] {
  return [...new Set(receiver.requests.map((r) => String(r.headers['x-uptime-id'])))];
}

/*
 * Both failed before their fixes:
 * - An incident opened by a run whose state write never landed was orphaned: the next run had no record of it,
 *   saw the service up, and the issue stayed open for ever; the "down" message was never sent. Now each run
 *   takes in the open incident issues its state doesn't know (src/run/adopt-incidents.ts), and a run that ends
 *   without its write sends its transitions unrecorded (Publisher.sendUnrecorded).
 * - A write applied by GitHub but answered 500: the re-applied write found its message already pending and
 *   sent nothing, so the "resolved" message was lost. Now a message of this run's own not yet sent is sent by
 *   the write that follows (src/notify/outbox.ts, `dispatched`).
 */
describe('the Action killed (by GitHub) while it writes the state branch', () => {
  test('creating the branch: the commit is made but the ref POST answers 500 every time; the next run carries on', async () => {
    github.faults.serverError = {
      times: 1_000,
      status: 500,
      match: (method, path) => method === 'POST' && path.endsWith('/git/refs'),
    };
    const first = await run(START);
    expect(first.outputs.status).toBe('down');
    // The old state: no branch at all, not a branch with a half-written file.
    expect(github.branches.has('uptime-state')).toBe(false);
    expect(restarts.length).toBeGreaterThanOrEqual(1);

    github.faults.serverError = undefined;
    api.set({ kind: 'up' });
    await run(START + 5 * 60_000);
    const state = stateOnBranch();
    expect(state?.services.api).toBeDefined();
    // One incident issue at most, whatever the first run managed to write.
    expect(github.issues).toHaveLength(1);
    expect(github.openIssues('uptime')).toHaveLength(0);
    expect(github.issues[0].comments.at(-1)?.body).toContain('Resolved');
    // Neither transition lost: "down" sent by the first run although it could record nothing.
    expect(told()).toEqual(['api:down:#1', 'api:resolved:#1']);
  });

  test('every state write applied but answered 500: the branch holds the new state, the next run no duplicate', async () => {
    const first = await run(START);
    expect(first.outputs.status).toBe('down');
    const before = stateOnBranch();
    expect(before?.services.api?.health.status).toBe('down');
    const incidents = github.issues.length;
    expect(incidents).toBe(1);

    // The service comes back; each contents PUT is written by GitHub, then answered 500 (and the client's
    // retries of it land on a moved sha).
    api.set({ kind: 'up' });
    github.faults.lostAnswer = {
      times: 3,
      match: (method, path) => method === 'PUT' && path.includes('/contents/state.json'),
    };
    await run(START + 5 * 60_000);
    const after = stateOnBranch();
    expect(after).toBeDefined();
    expect(after!.updatedAt).toBeGreaterThanOrEqual(before!.updatedAt ?? 0);

    github.faults.lostAnswer = undefined;
    const third = await run(START + 10 * 60_000);
    expect(third.outputs.status).toBe('up');
    expect(stateOnBranch()?.services.api?.health.status).toBe('up');
    expect(github.issues).toHaveLength(incidents);
    expect(github.issues[0].state).toBe('closed');
    // Each transition told (down, then resolved), none lost; a repeat would carry the same id.
    expect(told()).toEqual(['api:down:#1', 'api:resolved:#1']);
    // Sent by the run whose write landed although its answer was lost, not left for a later run's takeover.
    expect(receiver.requests).toHaveLength(2);
  });
});

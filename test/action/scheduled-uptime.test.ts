import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uptimeWindows } from '../../src/history/uptime.js';
import { scheduledRun } from './scheduled-run.js';
import type { ServiceRecord } from '../../src/state/types.js';
import { virtualClock } from '../helpers/clock.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/**
 * Uptime of a repository that sweeps on a schedule (the default example: every 30 minutes, one sweep, no
 * watch). The time between two scheduled runs is watched time, so the summary, the page and the badges show
 * an uptime instead of "no data" forever; an outage seen by the runs counts against it.
 */

let github: GitHubStub;
let api: TestServer;
let workspace: string;
beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'up' });
  workspace = await mkdtemp(join(tmpdir(), 'uptime-scheduled-uptime-'));
  await mkdir(join(workspace, '.github'));
  await writeFile(
    join(workspace, '.github', 'uptime.yml'),
    `services:\n  api: { name: Public API, url: "${api.url}" }\n`,
  );
});
afterEach(async () => {
  await Promise.all([github.close(), api.close(), rm(workspace, { recursive: true, force: true })]);
});

const START = Date.UTC(2026, 10, 30, 9, 5);
const EVERY = 30 * 60_000;

/** `runs` runs 30 minutes apart, started by `schedule` (or by hand: no cron); `down(i)` breaks run i. */
async function runs(count: number, options: { schedule?: string; down?: (i: number) => boolean } = {}) {
  const clock = virtualClock(START);
  for (let i = 0; i < count; i++) {
    clock.set(START + i * EVERY);
    api.set(options.down?.(i) ? { kind: 'status', status: 503 } : { kind: 'up' });
    const result = await scheduledRun(github, workspace, { clock, schedule: options.schedule });
    // With an outage the runs that see it down (until enough healthy answers) fail the job: that is the alarm.
    if (!options.down) expect(result.failure).toBeUndefined();
  }
  const state = github.readJson('uptime-state', 'state.json') as { services: Record<string, ServiceRecord> };
  return { record: state.services.api, now: clock.now() };
}

describe('uptime of scheduled sweeps', () => {
  test('every 30 minutes for 8 hours, always healthy: 100% over 24 h, not "no data"', async () => {
    const { record, now } = await runs(17, { schedule: '*/30 * * * *' });
    expect(uptimeWindows(record, now)['24h']).toBe(100);
    // Watched: the 8 hours between the first and the last run (saved at least hourly).
    expect(record.monitoredMs).toBeGreaterThanOrEqual(7 * 3_600_000);
  });

  test('an outage seen by three runs (an hour and a half) counts against it', async () => {
    const { record, now } = await runs(17, { schedule: '*/30 * * * *', down: (i) => i >= 6 && i < 9 });
    const uptime = uptimeWindows(record, now)['24h'];
    expect(uptime).toBeDefined();
    expect(uptime!).toBeLessThan(100);
    expect(uptime!).toBeGreaterThan(70);
  });

  test('runs started by hand (no schedule) do not claim the time between them', async () => {
    const { record, now } = await runs(5);
    expect(uptimeWindows(record, now)['24h']).toBeUndefined();
  });
});

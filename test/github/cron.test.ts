import { describe, expect, test } from '@jest/globals';
import { cronIntervalMs, detectCronGaps, recordGaps, workflowPathFromRef } from '../../src/github/cron.js';
import type { GitHubClient } from '../../src/github/client.js';

const MIN = 60_000;
const now = Date.UTC(2026, 0, 1, 12);
const run = (id: number, minutesAgo: number, path = '.github/workflows/uptime.yml') => ({
  id,
  path,
  created_at: new Date(now - minutesAgo * MIN).toISOString(),
  updated_at: new Date(now - minutesAgo * MIN + MIN).toISOString(),
});
const client = (runs: unknown[] | Error): GitHubClient => ({
  request: async () => {
    if (runs instanceof Error) throw runs;
    return { status: 200, headers: {}, data: { workflow_runs: runs } };
  },
});

describe('cron gaps', () => {
  test('schedules people write', () => {
    expect(cronIntervalMs('*/5 * * * *')).toBe(5 * MIN);
    expect(cronIntervalMs('0,30 * * * *')).toBe(30 * MIN);
    expect(cronIntervalMs('15 * * * *')).toBe(60 * MIN);
    expect(cronIntervalMs('0 */2 * * *')).toBe(120 * MIN);
    expect(cronIntervalMs('not a schedule')).toBeUndefined();
    expect(workflowPathFromRef('acme/site/.github/workflows/uptime.yml@refs/heads/main')).toBe(
      '.github/workflows/uptime.yml',
    );
  });

  test('on time: no gap, no warning', async () => {
    const report = await detectCronGaps({
      owner: 'a',
      repo: 'b',
      client: client([run(1, 6), run(2, 11), run(3, 0)]),
      runId: 3,
      intervalMs: 5 * MIN,
      now,
      workflowPath: '.github/workflows/uptime.yml',
    });
    expect(report).toEqual({ previousAt: now - 6 * MIN, gaps: [] });
  });

  test('a dropped stretch in the history and a late current run are both gaps; other workflows do not count', async () => {
    const runs = [run(1, 90), run(2, 85), run(3, 40), run(4, 20), run(9, 2, '.github/workflows/ci.yml')];
    const report = await detectCronGaps({
      owner: 'a',
      repo: 'b',
      client: client(runs),
      intervalMs: 5 * MIN,
      now,
      workflowPath: '.github/workflows/uptime.yml',
    });
    expect(report.gaps).toEqual([
      { start: now - 84 * MIN, end: now - 40 * MIN, reason: expect.stringMatching(/45m/) },
      { start: now - 39 * MIN, end: now - 20 * MIN, reason: expect.stringMatching(/20m/) },
      { start: now - 19 * MIN, end: now, reason: expect.stringMatching(/20m/) },
    ]);
    expect(report.warning).toMatch(/started 20m ago, more than 3 × the schedule's 5m/);
    expect(recordGaps([report.gaps[0]], report.gaps)).toHaveLength(3);
  });

  test('without actions: read it says what to grant, and finds no gap', async () => {
    const denied = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    const report = await detectCronGaps({
      owner: 'a',
      repo: 'b',
      client: client(denied),
      intervalMs: 5 * MIN,
      now,
    });
    expect(report.gaps).toEqual([]);
    expect(report.warning).toMatch(/actions: read/);
  });
});

import { describe, expect, test } from '@jest/globals';
import { cronIntervalMs, detectCronGaps, parseCronSchedule } from '../../src/github/cron.js';
import type { GitHubClient } from '../../src/github/client.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Wednesday 2026-01-07, 12:00 UTC. */
const wednesdayNoon = Date.UTC(2026, 0, 7, 12);
const saturdayNoon = Date.UTC(2026, 0, 10, 12);

const history = (starts: number[]): GitHubClient => ({
  request: async () => ({
    status: 200,
    headers: {},
    data: { workflow_runs: starts.map((t, i) => ({ id: i + 1, created_at: new Date(t).toISOString() })) },
  }),
});

describe('any valid cron schedule (cron-parser)', () => {
  test.each([
    ['*/5 * * * *', wednesdayNoon, 5 * MIN],
    ['0 * * * *', wednesdayNoon, HOUR],
    ['@hourly', wednesdayNoon, HOUR],
    ['15,45 9-17 * * 1-5', wednesdayNoon, 30 * MIN],
    ['0,50 * * * *', Date.UTC(2026, 0, 7, 12, 55), 10 * MIN],
  ])('%s runs every … at that time', (cron, at, interval) => {
    expect(cronIntervalMs(cron, at)).toBe(interval);
  });

  test('an office-hours schedule expects nothing over the weekend (Friday 17:45 → Monday 09:15)', () => {
    expect(cronIntervalMs('15,45 9-17 * * 1-5', saturdayNoon)).toBe(63.5 * HOUR);
  });

  test.each(['every five minutes', '61 * * * *', '* * * *', '0 0 * * * *', '', '@sometimes'])(
    'invalid %j: a clear message, no crash',
    (cron) => {
      const parsed = parseCronSchedule(cron);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.error).toContain(`Cron schedule "${cron.trim()}"`);
      expect(parsed.error).toMatch(/five fields.*\*\/5 \* \* \* \*/);
      expect(cronIntervalMs(cron, wednesdayNoon)).toBeUndefined();
    },
  );

  test('with the schedule, nights and weekends are not gaps; three missed office-hour runs are', async () => {
    const friday1745 = Date.UTC(2026, 0, 9, 17, 45);
    const monday0916 = Date.UTC(2026, 0, 12, 9, 16);
    const report = await detectCronGaps({
      owner: 'a',
      repo: 'b',
      client: history([friday1745, monday0916]),
      intervalMs: 30 * MIN,
      schedule: '15,45 9-17 * * 1-5',
      now: Date.UTC(2026, 0, 12, 10, 46),
    });
    // Monday 09:45, 10:15 and 10:45 were due after the 09:16 run and none came: one gap, now.
    expect(report.gaps).toEqual([
      { start: monday0916, end: Date.UTC(2026, 0, 12, 10, 46), reason: expect.stringMatching(/1h 30m/) },
    ]);
    expect(report.warning).toMatch(/3 runs of the schedule "15,45 9-17 \* \* 1-5" have been due/);
  });

  test('the same history judged by a fixed interval would call the weekend a gap', async () => {
    const report = await detectCronGaps({
      owner: 'a',
      repo: 'b',
      client: history([Date.UTC(2026, 0, 9, 17, 45), Date.UTC(2026, 0, 12, 9, 16)]),
      intervalMs: 30 * MIN,
      now: Date.UTC(2026, 0, 12, 9, 20),
    });
    expect(report.gaps).toHaveLength(1);
  });
});

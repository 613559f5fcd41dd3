import { describe, expect, it } from '@jest/globals';
import {
  formatPercent,
  HOUR_MS,
  DAY_MS,
  percentile,
  pruneHistory,
  recordSample,
  syncIncidentLog,
  uptimeWindows,
} from '../../src/history/index.js';
import { emptyHistory, historySchema, type History } from '../../src/state/history-schema.js';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);

/** Simulates a healthy repository probed every 5 minutes; counts the runs that changed the history. */
function simulate(days: number, responseMs: (i: number) => number): { history: History; writes: number } {
  let history = emptyHistory();
  let writes = 0;
  const runs = (days * DAY_MS) / (5 * 60_000);
  for (let i = 0; i < runs; i++) {
    const now = T0 + i * 5 * 60_000 + 7_000;
    const next = recordSample(history, 'api', { ok: true, responseMs: responseMs(i) }, now);
    if (next !== history) writes++;
    history = next;
  }
  return { history, writes };
}

describe('recordSample', () => {
  it('changes the history only on the first run of each hour: 24 writes a day for a healthy service', () => {
    const { writes } = simulate(3, () => 100);
    expect(writes).toBe(72);
  });

  it('keeps 7 days of hourly and 90 days of daily buckets, whatever the age of the history', () => {
    const { history } = simulate(100, (i) => 100 + (i % 10));
    const api = history.services.api;
    expect(api.hourly).toHaveLength(7 * 24);
    expect(api.daily).toHaveLength(90);
    expect(api.hourly.filter((b) => b.s !== undefined)).toHaveLength(1);
    expect(historySchema.safeParse(history).success).toBe(true);
    // Bounded size: the whole history of one service after 100 days stays well under 30 KB.
    expect(JSON.stringify(history).length).toBeLessThan(30_000);
  });

  it('merges into the current hour when the state is written anyway, and computes p50/p95/max', () => {
    let h = recordSample(emptyHistory(), 'api', { ok: true, responseMs: 100 }, T0);
    const same = recordSample(h, 'api', { ok: true, responseMs: 999 }, T0 + 60_000);
    expect(same).toBe(h);
    const samples = Array.from({ length: 19 }, (_, i) => ({ ok: true, responseMs: 110 + i * 10 }));
    h = recordSample(h, 'api', [...samples, { ok: false, responseMs: 5000 }], T0 + 120_000, { merge: true });
    const hour = h.services.api.hourly[0];
    // Nearest rank over 100, 110 … 290: the 10th value is the median, the 19th the 95th percentile.
    expect(hour).toMatchObject({ t: T0, ok: 20, total: 21, p50: 190, p95: 280, max: 290 });
    // The failed check's 5 s does not count as a response time.
    expect(hour.max).toBe(290);
    const next = recordSample(h, 'api', { ok: false }, T0 + HOUR_MS + 1);
    expect(next.services.api.hourly[0].s).toBeUndefined();
    expect(next.services.api.hourly[1]).toMatchObject({ ok: 0, total: 1, p50: null, max: null });
    expect(next.services.api.daily).toEqual([{ t: T0, ok: 20, total: 22, p50: 190, p95: 280, max: 290 }]);
  });

  it('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it('pruneHistory drops services no longer configured and old buckets, and is a no-op otherwise', () => {
    const { history } = simulate(1, () => 100);
    expect(pruneHistory(history, T0 + DAY_MS, ['api'])).toBe(history);
    expect(pruneHistory(history, T0 + DAY_MS, ['other']).services).toEqual({});
    expect(pruneHistory(history, T0 + 8 * DAY_MS).services.api.hourly).toHaveLength(0);
  });
});

describe('uptimeWindows', () => {
  it('counts outage intervals inside each window, an open one until now', () => {
    const now = T0 + 60 * DAY_MS;
    const record = {
      monitoredMs: 60 * DAY_MS,
      firstCheckAt: T0,
      outages: [
        { start: now - 20 * DAY_MS, end: now - 20 * DAY_MS + 864_000 }, // 14.4 minutes (1% of a day)
        { start: now - 36 * 60_000 }, // open: 36 minutes
      ],
    };
    const u = uptimeWindows(record, now);
    expect(u['24h']).toBeCloseTo(100 * (1 - 36 / 1440), 6);
    expect(u['7d']).toBeCloseTo(100 * (1 - 36 / (7 * 1440)), 6);
    expect(u['30d']).toBeCloseTo(100 * (1 - (36 + 14.4) / (30 * 1440)), 6);
    // Only 60 days were watched: the 90-day window is measured against those.
    expect(u['90d']).toBeCloseTo(100 * (1 - (36 + 14.4) / (60 * 1440)), 6);
    expect(uptimeWindows(undefined, now)['24h']).toBeUndefined();
  });

  it('formats without rounding up to 100%', () => {
    expect(formatPercent(99.9999)).toBe('99.99%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(97.5)).toBe('97.5%');
    expect(formatPercent(undefined)).toBe('—');
  });
});

describe('syncIncidentLog', () => {
  it('adds open incidents, closes those no longer open, and keeps them for the page', () => {
    const open = {
      api: { number: 7, url: 'https://github.com/o/r/issues/7', openedAt: T0, kind: 'down' as const },
    };
    const h1 = syncIncidentLog(emptyHistory(), open, T0 + 1);
    expect(h1.incidents).toEqual([
      { service: 'api', number: 7, url: open.api.url, kind: 'down', openedAt: T0 },
    ]);
    expect(syncIncidentLog(h1, open, T0 + 2)).toBe(h1);
    const h2 = syncIncidentLog(h1, {}, T0 + 3);
    expect(h2.incidents[0].closedAt).toBe(T0 + 3);
  });
});

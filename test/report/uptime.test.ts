import { describe, expect, it } from '@jest/globals';
import {
  averageResponseMs,
  downtimeMs,
  errorBudget,
  uptimeFromChecks,
  uptimeFromTime,
} from '../../src/report/uptime.js';
import { DAY, HOUR, MIN, NOW, record } from './fixtures.js';

const totals = (ok: number, total: number, responseMsTotal = 0) => ({ ok, total, slow: 0, responseMsTotal });

describe('uptime from checks', () => {
  it('is the share of healthy checks, undefined with none', () => {
    expect(uptimeFromChecks(totals(999, 1000))).toBeCloseTo(99.9, 10);
    expect(uptimeFromChecks(totals(0, 4))).toBe(0);
    expect(uptimeFromChecks(totals(0, 0))).toBeUndefined();
  });

  it('averages the response time of healthy checks', () => {
    expect(averageResponseMs(totals(4, 5, 400))).toBe(100);
    expect(averageResponseMs(totals(0, 3, 0))).toBeUndefined();
  });
});

describe('uptime from time', () => {
  const r = record({
    monitoredMs: 10 * HOUR,
    firstCheckAt: NOW - 10 * HOUR,
    outages: [
      { start: NOW - 9 * HOUR, end: NOW - 9 * HOUR + 30 * MIN },
      { start: NOW - 30 * MIN }, // still open
    ],
  });

  it('is 1 − downtime / monitored, counting an open outage up to now', () => {
    expect(downtimeMs(r, NOW)).toBe(HOUR);
    expect(uptimeFromTime(r, NOW)).toBeCloseTo(90, 10);
  });

  it('only counts the window when one is given', () => {
    // The last 2 hours: 30 minutes down.
    expect(uptimeFromTime(r, NOW, 2 * HOUR)).toBeCloseTo(75, 10);
  });

  it('is undefined before any time was watched, and never below 0', () => {
    expect(uptimeFromTime(record(), NOW)).toBeUndefined();
    const allDown = record({ monitoredMs: MIN, firstCheckAt: NOW - DAY, outages: [{ start: NOW - HOUR }] });
    expect(uptimeFromTime(allDown, NOW)).toBe(0);
  });
});

describe('error budget', () => {
  it('allows 43.2 minutes of downtime in 30 days at 99.9%, 4.32 at 99.99%', () => {
    const r = record({
      monitoredMs: 30 * DAY,
      firstCheckAt: NOW - 30 * DAY,
      outages: [{ start: NOW - DAY, end: NOW - DAY + 10.8 * MIN }],
    });
    const b = errorBudget(r, 99.9, { now: NOW });
    expect(b.basis).toBe('time');
    expect(b.allowedDowntimeMs).toBeCloseTo(43.2 * MIN, 3);
    expect(b.used).toBe(10.8 * MIN);
    expect(b.remainingPercent).toBeCloseTo(75, 6);
    expect(b.exhausted).toBe(false);
    const strict = errorBudget(r, 99.99, { now: NOW });
    expect(strict.allowedDowntimeMs).toBeCloseTo(4.32 * MIN, 3);
    expect(strict.exhausted).toBe(true);
    expect(strict.remainingPercent).toBeLessThan(0);
  });

  it('counts failed checks when given totals (or a record not watched over time yet)', () => {
    const b = errorBudget(totals(9995, 10_000), 99.9);
    expect(b).toMatchObject({ basis: 'checks', used: 5, exhausted: false });
    expect(b.allowedFailures).toBeCloseTo(10, 6);
    expect(b.remainingPercent).toBeCloseTo(50, 6);
    expect(errorBudget(record({ checks: totals(1, 2) }), 99.9)).toMatchObject({
      basis: 'checks',
      used: 1,
      exhausted: true,
    });
  });

  it('is untouched with no failures and no data', () => {
    expect(errorBudget(totals(0, 0), 99.9)).toMatchObject({ remainingPercent: 100, exhausted: false });
  });
});

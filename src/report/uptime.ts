import { downtimeMs } from '../state/records.js';
import type { CheckTotals, ServiceRecord } from '../state/types.js';

/** Milliseconds of recorded outage inside a window (src/state/records.ts). */
export { downtimeMs };

/**
 * Uptime and SLO arithmetic. Percentages are 0–100; `undefined` means "no data yet" (a service never
 * checked), which the dashboards show as `—`, never as NaN.
 */

/** Share of checks that were healthy, in percent; undefined with no checks. */
export function uptimeFromChecks(totals: CheckTotals): number | undefined {
  if (totals.total <= 0) return undefined;
  return (100 * totals.ok) / totals.total;
}

/** Milliseconds watched, limited to the window (the record keeps only an all-time sum). */
export function monitoredMs(
  record: Pick<ServiceRecord, 'monitoredMs' | 'firstCheckAt'>,
  now: number,
  windowMs?: number,
): number {
  let watched = record.monitoredMs;
  if (windowMs !== undefined) watched = Math.min(watched, windowMs);
  if (record.firstCheckAt !== undefined) watched = Math.min(watched, Math.max(0, now - record.firstCheckAt));
  return watched;
}

/**
 * Time-based uptime in percent: `100 × (1 − downtime / monitored time)`, over the last `windowMs`
 * (default: everything recorded; outages are kept 90 days). Undefined before any time was watched.
 */
export function uptimeFromTime(
  record: Pick<ServiceRecord, 'outages' | 'monitoredMs' | 'firstCheckAt'>,
  now: number,
  windowMs?: number,
): number | undefined {
  const watched = monitoredMs(record, now, windowMs);
  if (watched <= 0) return undefined;
  const down = downtimeMs(record, now, windowMs === undefined ? -Infinity : now - windowMs);
  return clamp(100 * (1 - down / watched), 0, 100);
}

/** Mean response time of the healthy checks, in ms; undefined before the first healthy check. */
export function averageResponseMs(totals: CheckTotals): number | undefined {
  if (totals.ok <= 0) return undefined;
  return totals.responseMsTotal / totals.ok;
}

/** How much failure an availability target (SLO) still allows. */
export interface ErrorBudget {
  /** The target, in percent (e.g. 99.9). */
  slo: number;
  /** `time`: downtime against monitored time; `checks`: failed checks against all checks. */
  basis: 'time' | 'checks';
  /** Allowed downtime (ms) or failed checks, for what was observed so far. */
  allowed: number;
  /** Downtime (ms) or failed checks so far. */
  used: number;
  /** Budget left in percent: 100 untouched, 0 spent, negative overspent. */
  remainingPercent: number;
  /** More was used than the target allows. */
  exhausted: boolean;
  /** Set for the `time` basis. */
  allowedDowntimeMs?: number;
  /** Set for the `checks` basis. */
  allowedFailures?: number;
}

/**
 * The SLO error budget, from a service record (time-based: downtime against monitored time within
 * `windowMs`, falling back to its checks when no time was watched yet) or from check totals.
 * Example: 99.9 % over 30 days of watching allows 43.2 minutes of downtime.
 * @param sloPercent the target, e.g. 99.9 or 99.99
 * @param options.now defaults to the record's last check
 */
export function errorBudget(
  source: ServiceRecord | CheckTotals,
  sloPercent: number,
  options: { now?: number; windowMs?: number } = {},
): ErrorBudget {
  const share = 1 - sloPercent / 100;
  if (isRecord(source)) {
    const now = options.now ?? source.health.lastCheckAt ?? source.firstCheckAt ?? 0;
    const watched = monitoredMs(source, now, options.windowMs);
    if (watched > 0) {
      const from = options.windowMs === undefined ? -Infinity : now - options.windowMs;
      const allowed = watched * share;
      const budget = makeBudget(sloPercent, 'time', allowed, downtimeMs(source, now, from));
      return { ...budget, allowedDowntimeMs: allowed };
    }
    source = source.checks;
  }
  const allowed = source.total * share;
  return { ...makeBudget(sloPercent, 'checks', allowed, source.total - source.ok), allowedFailures: allowed };
}

function makeBudget(slo: number, basis: ErrorBudget['basis'], allowed: number, used: number): ErrorBudget {
  let remainingPercent: number;
  if (allowed > 0) remainingPercent = 100 * (1 - used / allowed);
  else remainingPercent = used > 0 ? -100 : 100;
  return { slo, basis, allowed, used, remainingPercent, exhausted: used > allowed };
}

function isRecord(source: ServiceRecord | CheckTotals): source is ServiceRecord {
  return 'checks' in source;
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

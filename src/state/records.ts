import type { ServiceHealth } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import { MAX_OUTAGES } from './limits.js';
import type { CheckTotals, RecoveryAttempt, ServiceRecord, UptimeState } from './types.js';

/** Days of daily totals and outages kept; older ones are dropped so the state stays bounded. */
export const RETENTION_DAYS = 90;
/** Recovery attempts kept per service. */
export const MAX_ATTEMPTS = 50;
const DAY = 86_400_000;

export function emptyState(): UptimeState {
  return { version: 1, services: {}, pauses: {}, incidents: {}, unmonitored: [] };
}

export function emptyTotals(): CheckTotals {
  return { ok: 0, total: 0, slow: 0, responseMsTotal: 0 };
}

export function initialHealth(now: number): ServiceHealth {
  return {
    status: 'unknown',
    since: now,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    degradingStreak: 0,
    recentResponseMs: [],
  };
}

export function emptyRecord(now: number): ServiceRecord {
  return {
    health: initialHealth(now),
    checks: emptyTotals(),
    daily: {},
    attempts: [],
    ladderStep: 0,
    repairs: 0,
    predictiveRestarts: 0,
    outages: [],
    monitoredMs: 0,
  };
}

/** `YYYY-MM-DD` in UTC. */
export function dayKey(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function addCheck(totals: CheckTotals, probe: ProbeResult, slow: boolean): CheckTotals {
  return {
    ok: totals.ok + (probe.ok ? 1 : 0),
    total: totals.total + 1,
    slow: totals.slow + (slow ? 1 : 0),
    responseMsTotal: totals.responseMsTotal + (probe.ok ? probe.responseMs : 0),
  };
}

/**
 * Books one check: totals, the day's totals, monitored time (gaps longer than `maxGapMs` are not counted
 * as watched), and the outage interval that follows the health status (down opens one, up closes it).
 */
export function recordCheck(
  record: ServiceRecord,
  probe: ProbeResult,
  health: ServiceHealth,
  options: { slowThresholdMs: number; maxGapMs: number },
): ServiceRecord {
  const slow = probe.ok && probe.responseMs > options.slowThresholdMs;
  const day = dayKey(probe.at);
  const previousAt = record.health.lastCheckAt;
  const gap = previousAt === undefined ? 0 : probe.at - previousAt;
  const outages = [...record.outages];
  const open = outages.length > 0 && outages[outages.length - 1].end === undefined;
  if (health.status === 'down' && !open) {
    outages.push({ start: probe.at, reason: probe.error });
    // A service flapping for months: the newest outages (the schema's bound, src/state/limits.ts).
    if (outages.length > MAX_OUTAGES) outages.splice(0, outages.length - MAX_OUTAGES);
  }
  if (health.status !== 'down' && open)
    outages[outages.length - 1] = { ...outages[outages.length - 1], end: probe.at };
  return {
    ...record,
    health,
    checks: addCheck(record.checks, probe, slow),
    daily: { ...record.daily, [day]: addCheck(record.daily[day] ?? emptyTotals(), probe, slow) },
    monitoredMs: record.monitoredMs + (gap > 0 && gap <= options.maxGapMs ? gap : 0),
    firstCheckAt: record.firstCheckAt ?? probe.at,
    outages,
  };
}

/**
 * The healthy answer that verified a recovery is a check too (it was asked and answered): counted in the
 * totals, so a service back up never shows "Checks 0/2 ok". Time and outages are left to `recordCheck`.
 */
export function countVerifiedCheck(record: ServiceRecord, responseMs: number | undefined): ServiceRecord {
  if (responseMs === undefined) return record;
  const checks = record.checks;
  return {
    ...record,
    checks: {
      ...checks,
      ok: checks.ok + 1,
      total: checks.total + 1,
      responseMsTotal: checks.responseMsTotal + responseMs,
    },
  };
}

/**
 * Appends a recovery attempt, keeping the newest `MAX_ATTEMPTS`. An attempt whose `id` is already there (its
 * claim) replaces it in place and is not counted twice.
 */
export function recordAttempt(record: ServiceRecord, attempt: RecoveryAttempt): ServiceRecord {
  const index = attempt.id === undefined ? -1 : record.attempts.findIndex((a) => a.id === attempt.id);
  if (index >= 0) {
    const attempts = [...record.attempts];
    attempts[index] = attempt;
    return { ...record, attempts };
  }
  const attempts = [...record.attempts, attempt].slice(-MAX_ATTEMPTS);
  return {
    ...record,
    attempts,
    repairs: record.repairs + 1,
    predictiveRestarts: record.predictiveRestarts + (attempt.trigger === 'predictive' ? 1 : 0),
  };
}

/**
 * Drops daily totals and closed outages older than `RETENTION_DAYS`, and expired pauses; with `keep` (the
 * config's service ids), the records of services no longer configured too.
 */
export function pruneState(state: UptimeState, now: number, keep?: Iterable<string>): UptimeState {
  const cutoff = now - RETENTION_DAYS * DAY;
  const cutoffDay = dayKey(cutoff);
  const wanted = keep ? new Set(keep) : undefined;
  const services = Object.fromEntries(
    Object.entries(state.services)
      .filter(([key]) => !wanted || wanted.has(key))
      .map(([key, record]) => [
        key,
        {
          ...record,
          daily: Object.fromEntries(Object.entries(record.daily).filter(([day]) => day >= cutoffDay)),
          outages: record.outages.filter((o) => o.end === undefined || o.end >= cutoff),
        },
      ]),
  );
  const pauses = Object.fromEntries(
    Object.entries(state.pauses).filter(([, p]) => p.until === undefined || p.until > now),
  );
  const unmonitored = state.unmonitored.filter((o) => (o.end ?? now) >= cutoff);
  return { ...state, services, pauses, unmonitored };
}

/** An attempt's identity: its id, or (states from older releases) its start, action, trigger and author. */
const attemptKey = (a: RecoveryAttempt) => a.id ?? `${a.at}|${a.action}|${a.trigger}|${a.by ?? ''}`;

/**
 * Merges the record a sweep produced (`mine`) into the one read fresh after a write conflict (`theirs`):
 * health and counters are the sweep's, but recovery attempts and outages written by another run meanwhile
 * are kept, so the restart budget counts every attempt (two overlapping runs can't spend it twice).
 */
export function mergeRecord(theirs: ServiceRecord | undefined, mine: ServiceRecord): ServiceRecord {
  if (!theirs) return mine;
  const known = new Set(mine.attempts.map(attemptKey));
  const theirsOnly = theirs.attempts.filter((a) => !known.has(attemptKey(a)));
  // Linear in the outages (a set of starts), not a scan of one list per item of the other.
  const starts = new Set(mine.outages.map((o) => o.start));
  const theirOutages = theirs.outages.filter((o) => !starts.has(o.start));
  if (theirsOnly.length === 0 && theirOutages.length === 0) return mine;
  const attempts = [...mine.attempts, ...theirsOnly].sort((a, b) => a.at - b.at).slice(-MAX_ATTEMPTS);
  const outages = [...mine.outages, ...theirOutages].sort((a, b) => a.start - b.start).slice(-MAX_OUTAGES);
  return {
    ...mine,
    attempts,
    outages,
    repairs: mine.repairs + theirsOnly.length,
    predictiveRestarts: mine.predictiveRestarts + theirsOnly.filter((a) => a.trigger === 'predictive').length,
  };
}

/**
 * The state without the records of services no longer in the config (`configured`): a renamed or removed
 * service must not stay in the state forever (20,000 of them made a 16 MB file). Same object when none.
 */
export function forgetUnconfigured(state: UptimeState, configured: Iterable<string>): UptimeState {
  const keep = new Set(configured);
  const gone = Object.keys(state.services).filter((id) => !keep.has(id));
  if (gone.length === 0) return state;
  const services = { ...state.services };
  for (const id of gone) delete services[id];
  return { ...state, services };
}

/** Milliseconds of recorded outage inside `[from, now]`; an open outage runs until `now`. */
export function downtimeMs(record: Pick<ServiceRecord, 'outages'>, now: number, from = -Infinity): number {
  let total = 0;
  for (const outage of record.outages) {
    const start = Math.max(outage.start, from);
    const end = Math.min(outage.end ?? now, now);
    if (end > start) total += end - start;
  }
  return total;
}

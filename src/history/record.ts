import type { Bucket, History, ServiceHistory } from '../state/history-schema.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Hourly buckets kept (7 days). */
export const HOURLY_KEEP_MS = 7 * DAY_MS;
/** Daily buckets kept (90 days, as the state's daily totals). */
export const DAILY_KEEP_MS = 90 * DAY_MS;
/** Response times kept for the current hour before it rolls. */
export const MAX_HOUR_SAMPLES = 60;

/** What one run saw of a service: one probe, or every probe of a run that watched for a while. */
export interface Sample {
  ok: boolean;
  /** Response time in ms (counted only when `ok`). */
  responseMs?: number;
}

/** Options of {@link recordSample}. */
export interface RecordOptions {
  /**
   * The state is written anyway this run (a transition, an incident): add the sample to the current hour too.
   * Without it a sample is only taken by the first run of each hour, so a healthy repository costs at most
   * 24 extra writes a day. @default false
   */
  merge?: boolean;
}

/** Start of the hour of `at` (UTC). */
export const hourStart = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;
/** Start of the UTC day of `at`. */
export const dayStart = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/** The nearest-rank percentile (0–100) of sorted values; null for none. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function bucketFrom(t: number, ok: number, total: number, times: number[], keep: boolean): Bucket {
  const sorted = [...times].sort((a, b) => a - b);
  const bucket: Bucket = {
    t,
    ok,
    total,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
  if (keep) bucket.s = times.slice(-MAX_HOUR_SAMPLES);
  return bucket;
}

/**
 * Books a run's sample(s) of one service. Returns the **same** `history` object when nothing changed (the
 * hour's sample was already taken and `merge` is off), so the caller writes the state only when
 * `recordSample(...) !== history`. A new hour finalises the previous one (drops its raw samples), rolls it
 * into its day, and prunes buckets older than 7 days (hourly) and 90 days (daily). Pure.
 */
export function recordSample(
  history: History,
  serviceId: string,
  result: Sample | Sample[],
  now: number,
  options: RecordOptions = {},
): History {
  const samples = Array.isArray(result) ? result : [result];
  if (samples.length === 0) return history;
  const before: ServiceHistory = history.services[serviceId] ?? { hourly: [], daily: [] };
  const hour = hourStart(now);
  const last = before.hourly[before.hourly.length - 1];
  const sameHour = last !== undefined && last.t === hour;
  if (sameHour && !options.merge) return history;
  const times = samples.flatMap((s) => (s.ok && s.responseMs !== undefined ? [s.responseMs] : []));
  const ok = samples.filter((s) => s.ok).length;
  let hourly: Bucket[];
  if (sameHour) {
    const merged = bucketFrom(
      hour,
      last.ok + ok,
      last.total + samples.length,
      [...(last.s ?? []), ...times],
      true,
    );
    hourly = [...before.hourly.slice(0, -1), merged];
  } else {
    const finalised = before.hourly.map(({ s: _dropped, ...rest }): Bucket => rest);
    hourly = [...finalised, bucketFrom(hour, ok, samples.length, times, true)];
  }
  hourly = hourly.filter((b) => b.t > now - HOURLY_KEEP_MS);
  const daily = rollDay(before.daily, hourly, dayStart(now)).filter((b) => b.t > now - DAILY_KEEP_MS);
  return { ...history, services: { ...history.services, [serviceId]: { hourly, daily } } };
}

/**
 * The day's bucket from its hourly buckets: checks are summed, `max` is the largest, `p50` the
 * sample-weighted median of the hourly medians and `p95` the largest hourly p95 (an upper bound: the exact
 * daily percentiles would need every sample).
 */
function rollDay(daily: Bucket[], hourly: Bucket[], day: number): Bucket[] {
  const hours = hourly.filter((b) => dayStart(b.t) === day);
  const bucket: Bucket = {
    t: day,
    ok: hours.reduce((n, b) => n + b.ok, 0),
    total: hours.reduce((n, b) => n + b.total, 0),
    p50: weightedMedian(hours),
    // Loops, not `Math.max(...list)`: a spread of a long list overflows the call stack.
    p95: largest(hours.map((b) => b.p95)),
    max: largest(hours.map((b) => b.max)),
  };
  return [...daily.filter((b) => b.t !== day), bucket].sort((a, b) => a.t - b.t);
}

/** The largest non-null value; null for none. */
function largest(values: Array<number | null>): number | null {
  let top: number | null = null;
  for (const v of values) if (v !== null && (top === null || v > top)) top = v;
  return top;
}

/**
 * The nearest-rank median of the hourly medians, each counted `max(1, ok)` times, computed on the weights
 * (never by repeating a value `ok` times: a count is data, and a stored `ok: 2e9` would fill the memory).
 */
function weightedMedian(hours: Bucket[]): number | null {
  const weighted = hours
    .flatMap((b) => (b.p50 === null ? [] : [{ value: b.p50, weight: Math.max(1, b.ok) }]))
    .sort((a, b) => a.value - b.value);
  const total = weighted.reduce((n, w) => n + w.weight, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(total / 2));
  let seen = 0;
  for (const w of weighted) {
    seen += w.weight;
    if (seen >= rank) return w.value;
  }
  return weighted[weighted.length - 1].value;
}

/**
 * Drops buckets past retention and the history of services no longer configured (when `keep` is given).
 * Returns the same object when nothing was dropped.
 */
export function pruneHistory(history: History, now: number, keep?: Iterable<string>): History {
  const wanted = keep ? new Set(keep) : undefined;
  let changed = false;
  const services: History['services'] = {};
  for (const [id, h] of Object.entries(history.services)) {
    if (wanted && !wanted.has(id)) {
      changed = true;
      continue;
    }
    const hourly = h.hourly.filter((b) => b.t > now - HOURLY_KEEP_MS);
    const daily = h.daily.filter((b) => b.t > now - DAILY_KEEP_MS);
    if (hourly.length !== h.hourly.length || daily.length !== h.daily.length) changed = true;
    services[id] = { hourly, daily };
  }
  const incidents = history.incidents.filter((i) => (i.closedAt ?? now) > now - DAILY_KEEP_MS);
  if (incidents.length !== history.incidents.length) changed = true;
  return changed ? { ...history, services, incidents } : history;
}

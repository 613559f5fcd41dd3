import { DAY_MS, dayStart } from '../history/record.js';
import type { ServiceRecord } from '../state/types.js';

/** Days the uptime bars show (as Upptime, Gatus and hosted status pages do). */
export const BAR_DAYS = 90;

/** How a day went: not watched, no downtime, some, or much (the bar's colour). */
export type DayState = 'none' | 'up' | 'partial' | 'down';

/** Downtime above this share of a watched day makes the day red rather than amber (5 %, 72 minutes). */
const RED_SHARE = 0.05;

/** One day of a service's uptime bar. */
export interface DayView {
  /** Start of the UTC day (epoch ms). */
  date: number;
  state: DayState;
  /** Part of the day watched (ms): from the first check or midnight until midnight or now. */
  watchedMs: number;
  /** Uptime of the watched part, percent; undefined when not watched. */
  uptime?: number;
  /** Incidents (down or degraded) that began this day. */
  incidents: number;
}

/**
 * The last {@link BAR_DAYS} UTC days of a service, oldest first: each day's uptime from the record's outage
 * intervals against the part of the day it was watched (from its first check on). Days before the first check
 * are `none`. A day with a degraded incident but no downtime is `partial`. Pure.
 */
export function dailyBars(
  record: Pick<ServiceRecord, 'outages' | 'firstCheckAt'> | undefined,
  incidentStarts: Array<{ start: number; kind: 'down' | 'degraded' }>,
  now: number,
): DayView[] {
  const today = dayStart(now);
  const days: DayView[] = [];
  for (let i = BAR_DAYS - 1; i >= 0; i--) {
    const date = today - i * DAY_MS;
    const from = Math.max(date, record?.firstCheckAt ?? Infinity);
    const to = Math.min(date + DAY_MS, now);
    const watchedMs = Math.max(0, to - from);
    const started = incidentStarts.filter((e) => e.start >= date && e.start < date + DAY_MS);
    if (watchedMs === 0 || !record) {
      days.push({ date, state: 'none', watchedMs: 0, incidents: started.length });
      continue;
    }
    let down = 0;
    for (const o of record.outages) {
      const s = Math.max(o.start, from);
      const e = Math.min(o.end ?? now, to);
      if (e > s) down += e - s;
    }
    const share = down / watchedMs;
    const uptime = Math.min(100, Math.max(0, 100 * (1 - share)));
    const state: DayState = share > RED_SHARE ? 'down' : down > 0 || started.length > 0 ? 'partial' : 'up';
    days.push({ date, state, watchedMs, uptime, incidents: started.length });
  }
  return days;
}

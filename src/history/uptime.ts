import { uptimeFromTime } from '../report/uptime.js';
import type { ServiceRecord } from '../state/types.js';
import { DAY_MS } from './record.js';

/** The uptime windows the status page and the badges show, shortest first. */
export const UPTIME_WINDOW_NAMES = ['24h', '7d', '30d', '90d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOW_NAMES)[number];
/** Each window's length in ms. */
export const UPTIME_WINDOWS: Readonly<Record<UptimeWindow, number>> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};

/**
 * Uptime in percent per window, from the record's outage intervals (`{ start, end? }`, an open one runs
 * until `now`) against the time it was watched (src/report/uptime.ts). `undefined` = no data yet.
 */
export function uptimeWindows(
  record: Pick<ServiceRecord, 'outages' | 'monitoredMs' | 'firstCheckAt'> | undefined,
  now: number,
): Record<UptimeWindow, number | undefined> {
  const over = (window: UptimeWindow) =>
    record ? uptimeFromTime(record, now, UPTIME_WINDOWS[window]) : undefined;
  return { '24h': over('24h'), '7d': over('7d'), '30d': over('30d'), '90d': over('90d') };
}

/** The one percentage format (src/report/format.ts). */
export { formatPercent } from '../report/format.js';

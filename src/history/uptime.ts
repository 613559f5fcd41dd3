import { uptimeFromTime } from '../report/uptime.js';
import type { ServiceRecord } from '../state/types.js';
import { DAY_MS } from './record.js';

/** The uptime windows the status page and the badges show. */
export const UPTIME_WINDOWS = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
} as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

/**
 * Uptime in percent per window, from the record's outage intervals (`{ start, end? }`, an open one runs
 * until `now`) against the time it was watched (src/report/uptime.ts). `undefined` = no data yet.
 */
export function uptimeWindows(
  record: Pick<ServiceRecord, 'outages' | 'monitoredMs' | 'firstCheckAt'> | undefined,
  now: number,
): Record<UptimeWindow, number | undefined> {
  const out = {} as Record<UptimeWindow, number | undefined>;
  for (const [name, windowMs] of Object.entries(UPTIME_WINDOWS) as Array<[UptimeWindow, number]>) {
    out[name] = record ? uptimeFromTime(record as ServiceRecord, now, windowMs) : undefined;
  }
  return out;
}

/** The one percentage format (src/report/format.ts). */
export { formatPercent } from '../report/format.js';

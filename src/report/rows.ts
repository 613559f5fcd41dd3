import { resolveTuning, type Mode } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import type { HealthStatus } from '../monitor/types.js';
import type { RecoveryAttempt, ServiceRecord, UptimeState } from '../state/types.js';
import {
  averageResponseMs,
  errorBudget,
  uptimeFromChecks,
  uptimeFromTime,
  type ErrorBudget,
} from './uptime.js';
import { burnView, type BurnView } from '../slo/burn.js';

/** One service's line of the dashboard, as plain data (renderers only format it). */
export interface StatusRow {
  /** Service key (`coqui`). */
  id: string;
  /** Display name (`Coqui Voice Service`). */
  name: string;
  status: HealthStatus | 'paused';
  /** When the current health status began (epoch ms). */
  since?: number;
  /** Why the last check failed, for down/degraded services and failing ones. */
  lastError?: string;
  /**
   * The last check failed but the mode's rules do not call the service down yet (e.g. the first of two
   * failures in `normal`, or a first check that failed): shown as failing, never as up or not checked yet.
   */
  failing?: boolean;
  /** Until when a paused service stays paused; undefined = until `/resume`. */
  pausedUntil?: number;
  pausedBy?: string;
  /** Healthy checks in percent; undefined before the first check. */
  uptimePercent?: number;
  /** Time-based uptime in percent (1 − downtime / monitored time). */
  uptimeTimePercent?: number;
  lastResponseMs?: number;
  averageResponseMs?: number;
  checksOk: number;
  checksTotal: number;
  predictiveRestarts: number;
  repairs: number;
  lastRepair?: RecoveryAttempt & { agoMs: number };
  /** Error budget for the config's SLO. */
  budget?: ErrorBudget;
  /** Burn-rate alerts and the 30-day budget left (src/slo/burn.ts). */
  burn?: BurnView;
  /** Days left on the TLS certificate at the last check (https services, `type: tls`). */
  certDaysLeft?: number;
  /** Open incident issue number. */
  incident?: number;
  incidentUrl?: string;
}

/** The dashboard's header line. */
export interface StatusHeader {
  /** Epoch ms the report is for. */
  now: number;
  mode: Mode;
  /** Health check interval in ms. */
  intervalMs: number;
  /** SLO target in percent, for the budget line. */
  slo?: number;
}

/** Options shared by the `(config, state, options)` forms of the renderers. */
export interface StatusOptions {
  now: number;
  /** The mode in force (default: `/mode` in the state, else the config's). */
  mode?: Mode;
  /** Only these service keys. */
  only?: string[];
  /** Window for time-based uptime and the error budget (default: everything recorded). */
  windowMs?: number;
}

/**
 * One row per configured service, in config order; a service with no record yet gets zero counts and
 * undefined percentages. A pause in `state.pauses` that has not expired shows the service as `paused`.
 */
export function buildStatusRows(
  config: Config,
  state: UptimeState,
  now: number,
  options: { only?: string[]; windowMs?: number } = {},
): StatusRow[] {
  const ids = Object.keys(config.services).filter((id) => !options.only || options.only.includes(id));
  return ids.map((id) => {
    const service = config.services[id];
    const record = state.services[id];
    const pause = state.pauses[id];
    const paused = pause !== undefined && (pause.until === undefined || pause.until > now);
    const incident = state.incidents[id];
    const row: StatusRow = {
      id,
      name: service.name,
      status: paused ? 'paused' : (record?.health.status ?? 'unknown'),
      checksOk: record ? record.checks.ok : 0,
      checksTotal: record ? record.checks.total : 0,
      predictiveRestarts: record?.predictiveRestarts ?? 0,
      repairs: record?.repairs ?? 0,
    };
    if (paused) {
      row.pausedUntil = pause.until;
      row.pausedBy = pause.by;
    }
    if (incident) {
      row.incident = incident.number;
      row.incidentUrl = incident.url;
    }
    if (!record) return row;
    const last = lastRepairOf(record);
    const failing = !paused && record.health.status !== 'down' && record.health.consecutiveFailures > 0;
    return {
      ...row,
      failing,
      since: record.health.since,
      lastError: record.health.status === 'up' && !failing ? undefined : record.health.lastError,
      uptimePercent: uptimeFromChecks(record.checks),
      uptimeTimePercent: uptimeFromTime(record, now, options.windowMs),
      lastResponseMs: record.health.lastResponseMs,
      certDaysLeft: record.health.certDaysLeft,
      averageResponseMs: averageResponseMs(record.checks),
      lastRepair: last ? { ...last, agoMs: Math.max(0, now - last.at) } : undefined,
      budget:
        record.checks.total > 0
          ? errorBudget(record, config.slo, { now, windowMs: options.windowMs })
          : undefined,
      burn: burnView(record, config, service, now),
    };
  });
}

/**
 * The repair to show as "Last repair": the newest attempt, unless it failed and the service came back by
 * itself afterwards (healthy now, and the attempt is older than the current `up` status): then the newest
 * attempt that worked, or none. A failed redeploy is not the repair of a service nobody repaired.
 */
export function lastRepairOf(record: ServiceRecord): RecoveryAttempt | undefined {
  const attempts = record.attempts;
  const newest = attempts[attempts.length - 1];
  if (!newest || newest.healthy) return newest;
  const cameBackBySelf =
    record.health.status === 'up' && record.health.since >= newest.at + newest.durationMs;
  if (!cameBackBySelf) return newest;
  return [...attempts].reverse().find((a) => a.healthy);
}

/** The header for `now`: the mode in force and its check interval. */
export function buildStatusHeader(config: Config, state: UptimeState, options: StatusOptions): StatusHeader {
  const mode = options.mode ?? state.mode ?? config.mode;
  return {
    now: options.now,
    mode,
    intervalMs: resolveTuning(config, mode).healthCheckInterval,
    slo: config.slo,
  };
}

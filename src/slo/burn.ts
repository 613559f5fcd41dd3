import type { BurnRateConfig } from '../config/recovery-keys.js';
import type { Config, ServiceConfig } from '../config/schema.js';
import { downtimeMs } from '../state/records.js';
import type { ServiceRecord } from '../state/types.js';
import { formatDuration } from '../util/duration.js';

/**
 * Multi-window burn-rate alerts on the SLO's error budget (the SRE workbook, "Alerting on SLOs", table 5-8):
 * a fast burn (14.4× over 1 h, confirmed over 5 min: 2 % of a 30-day budget gone in an hour) and a slow burn
 * (6× over 6 h, confirmed over 30 min: 5 % in six hours). Pure: the record and the clock in, numbers out.
 *
 * The error ratio of a window is the larger of two measures:
 * - time: the recorded downtime (outages) in the window over the window — exact in every run mode;
 * - checks: failed checks over all checks, from the per-minute series — used only when the series covers at
 *   least half of the window's minutes (a watch loop). A scheduled run saves a healthy check only hourly, so
 *   its series holds mostly failures; counting it would invent burns.
 */

export interface BurnWindow {
  /** Burn factor: how many times faster than the SLO allows. */
  factor: number;
  longMs: number;
  shortMs: number;
}

export interface BurnPolicy {
  enabled: boolean;
  fast: BurnWindow;
  slow: BurnWindow;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** The budget period the factors are defined over. */
export const BUDGET_PERIOD_MS = 30 * 86_400_000;

/** The SRE workbook's recommended pairs. */
export const DEFAULT_BURN_POLICY: BurnPolicy = {
  enabled: true,
  fast: { factor: 14.4, longMs: HOUR, shortMs: 5 * MINUTE },
  slow: { factor: 6, longMs: 6 * HOUR, shortMs: 30 * MINUTE },
};

function merge(base: BurnWindow, over: NonNullable<BurnRateConfig['fast']> | undefined): BurnWindow {
  return {
    factor: over?.factor ?? base.factor,
    longMs: over?.long ?? base.longMs,
    shortMs: over?.short ?? base.shortMs,
  };
}

/** The policy of one service: the defaults, then the config's `burnRate`, then the service's. */
export function burnPolicy(
  config: Pick<Config, 'burnRate'>,
  service: Pick<ServiceConfig, 'burnRate'>,
): BurnPolicy {
  const layers = [config.burnRate, service.burnRate];
  let policy = DEFAULT_BURN_POLICY;
  for (const layer of layers) {
    if (!layer) continue;
    policy = {
      enabled: layer.enabled ?? policy.enabled,
      fast: merge(policy.fast, layer.fast),
      slow: merge(policy.slow, layer.slow),
    };
  }
  return policy;
}

/** Minutes are kept one by one this long; older ones are folded into 10-minute buckets (bounded size). */
const FINE_MS = HOUR;
const COARSE_MS = 10 * MINUTE;

/**
 * Adds one check to the per-minute series `[start, ok, total]`, folding minutes older than an hour into
 * 10-minute buckets and dropping what is older than `keepMs`. Pure; returns a new array.
 */
export function addToSeries(
  series: ReadonlyArray<[number, number, number]> | undefined,
  at: number,
  ok: boolean,
  keepMs: number,
): Array<[number, number, number]> {
  const minute = Math.floor(at / MINUTE) * MINUTE;
  const out: Array<[number, number, number]> = [];
  for (const [start, good, total] of series ?? []) {
    if (start < at - keepMs) continue;
    const slot = start < at - FINE_MS ? Math.floor(start / COARSE_MS) * COARSE_MS : start;
    const last = out.at(-1);
    if (last && last[0] === slot) {
      last[1] += good;
      last[2] += total;
    } else out.push([slot, good, total]);
  }
  const last = out.at(-1);
  if (last && last[0] === minute) {
    last[1] += ok ? 1 : 0;
    last[2] += 1;
  } else out.push([minute, ok ? 1 : 0, 1]);
  return out;
}

/** The error ratio (0–1) of the window `[now − windowMs, now]`, as the larger of time and (dense) checks. */
export function errorRatio(
  record: Pick<ServiceRecord, 'outages' | 'firstCheckAt' | 'checkSeries'>,
  windowMs: number,
  now: number,
): number {
  const from = now - windowMs;
  // The whole window is the denominator: time nobody watched counts as good, so a service watched for two
  // minutes is not "burning" because of one failed check.
  const time = downtimeMs(record, now, from) / windowMs;
  let covered = 0;
  let good = 0;
  let total = 0;
  for (const [start, ok, count] of record.checkSeries ?? []) {
    if (start < from - MINUTE + 1 || start > now) continue;
    covered += start < now - FINE_MS ? COARSE_MS : MINUTE;
    good += ok;
    total += count;
  }
  const dense = covered >= 0.5 * windowMs && total > 0;
  const checks = dense ? (total - good) / total : 0;
  return Math.min(1, Math.max(time, checks));
}

/**
 * Time charged to failed checks outside outages (the failures that never took the service down): each
 * bucket of the series charges its failed share of its length. Buckets inside an outage are already counted
 * as downtime.
 */
export function failedCheckTimeMs(
  record: Pick<ServiceRecord, 'outages' | 'checkSeries'>,
  now: number,
): number {
  let charged = 0;
  for (const [start, ok, total] of record.checkSeries ?? []) {
    if (total <= 0 || ok >= total) continue;
    const length = start < now - FINE_MS ? COARSE_MS : MINUTE;
    const inOutage = record.outages.some((o) => o.start < start + length && (o.end ?? now) > start);
    if (!inOutage) charged += ((total - ok) / total) * length;
  }
  return charged;
}

/** Burn rate: the error ratio over what the SLO allows (1 = the budget lasts exactly its period). */
export function burnRate(ratio: number, sloPercent: number): number {
  return ratio / (1 - sloPercent / 100);
}

export interface BurnReading {
  long: number;
  short: number;
  firing: boolean;
}

export interface BurnStatus {
  fast: BurnReading;
  slow: BurnReading;
  /** The 30-day error budget left, in percent: downtime plus the failed share of checks outside it (negative when overspent). */
  budgetLeftPercent: number;
}

/** Both alerts' burn rates now, and the 30-day budget left. */
export function evaluateBurn(
  record: ServiceRecord,
  policy: BurnPolicy,
  sloPercent: number,
  now: number,
): BurnStatus {
  const read = (w: BurnWindow): BurnReading => {
    const long = burnRate(errorRatio(record, w.longMs, now), sloPercent);
    const short = burnRate(errorRatio(record, w.shortMs, now), sloPercent);
    return { long, short, firing: policy.enabled && long >= w.factor && short >= w.factor };
  };
  const allowed = BUDGET_PERIOD_MS * (1 - sloPercent / 100);
  const used = downtimeMs(record, now, now - BUDGET_PERIOD_MS) + failedCheckTimeMs(record, now);
  return { fast: read(policy.fast), slow: read(policy.slow), budgetLeftPercent: 100 * (1 - used / allowed) };
}

export type BurnKind = 'fast' | 'slow';

/** An alert to send now, and the alert marks to keep. */
export interface BurnDecision {
  alerts: Array<{ kind: BurnKind; reason: string }>;
  marks: NonNullable<ServiceRecord['burnAlerts']>;
}

/**
 * Which alerts fire now, once per episode: an alert is sent when it starts firing and not again until its
 * long window has fallen back under the factor (re-armed); a slow burn is not sent beside a fast one. Burns
 * during an outage people were already told about (down, an open incident) are marked but not sent: burn
 * alerts are for the failures that never take a service down. The reason carries both rates and the budget left.
 */
export function decideBurnAlerts(
  name: string,
  status: BurnStatus,
  policy: BurnPolicy,
  marks: ServiceRecord['burnAlerts'],
  now: number,
  /** The service is down or has an open incident: people were told; the burn is marked, not sent. */
  alreadyTold = false,
): BurnDecision {
  const next: NonNullable<ServiceRecord['burnAlerts']> = { ...marks };
  const alerts: BurnDecision['alerts'] = [];
  for (const kind of ['fast', 'slow'] as const) {
    const reading = status[kind];
    const window = policy[kind];
    if (next[kind] !== undefined && reading.long < window.factor) delete next[kind];
    if (!reading.firing || next[kind] !== undefined) continue;
    next[kind] = now;
    // One alert per episode: a slow burn while a fast one is out adds nothing.
    if (alreadyTold || (kind === 'slow' && marks?.fast !== undefined) || alerts.length) continue;
    alerts.push({ kind, reason: burnReason(name, kind, reading, window, status.budgetLeftPercent) });
  }
  return { alerts, marks: next };
}

/** `Coqui: fast burn of the error budget: 60× over 1h (confirmed 120× over 5m; alert at 14.4×); 97.9 % of the 30-day budget left`. */
export function burnReason(
  name: string,
  kind: BurnKind,
  reading: BurnReading,
  window: BurnWindow,
  budgetLeftPercent: number,
): string {
  return `${name}: ${kind} burn of the error budget: ${round(reading.long)}× over ${formatDuration(window.longMs)} (confirmed ${round(reading.short)}× over ${formatDuration(window.shortMs)}; alert at ${window.factor}×); ${budgetLeft(budgetLeftPercent)}`;
}

/** `97.9 % of the 30-day budget left` / `the 30-day budget is overspent (-40 %)`. */
export function budgetLeft(percent: number): string {
  return percent >= 0
    ? `${round(percent)}% of the 30-day error budget left`
    : `the 30-day error budget is overspent (${round(percent)}%)`;
}

function round(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/** What the summary, `/status` and the status page show: the burns firing now and the 30-day budget left. */
export interface BurnView {
  /** `fast` or `slow` when one is firing (fast first). */
  burning?: BurnKind;
  /** The burn factor over the firing alert's long window. */
  rate?: number;
  budgetLeftPercent: number;
}

export function burnView(
  record: ServiceRecord | undefined,
  config: Pick<Config, 'burnRate' | 'slo'>,
  service: Pick<ServiceConfig, 'burnRate'>,
  now: number,
): BurnView | undefined {
  const policy = burnPolicy(config, service);
  if (!policy.enabled || record?.firstCheckAt === undefined) return undefined;
  const status = evaluateBurn(record, policy, config.slo, now);
  const burning = status.fast.firing ? 'fast' : status.slow.firing ? 'slow' : undefined;
  const view: BurnView = { budgetLeftPercent: Math.round(status.budgetLeftPercent * 10) / 10 };
  if (burning) Object.assign(view, { burning, rate: Math.round(status[burning].long * 10) / 10 });
  return view;
}

/** `fast burn 200× · 97.9% of the 30-day error budget left`, or `no fast or slow burn · …`. */
export function formatBurn(view: BurnView): string {
  const rate = view.burning ? `${view.burning} burn ${view.rate}×` : 'no fast or slow burn';
  return `${rate} · ${budgetLeft(view.budgetLeftPercent)}`;
}

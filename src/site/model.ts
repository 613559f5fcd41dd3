import { burnView, type BurnView } from '../slo/burn.js';
import { SERVICE_KEY, type Config } from '../config/schema.js';
import { historyOf, type StateWithHistory } from '../history/state.js';
import type { Bucket } from '../state/history-schema.js';
import { DAY_MS } from '../history/record.js';
import { uptimeWindows, type UptimeWindow } from '../history/uptime.js';
import { percentile } from '../history/record.js';
import type { RecoveryAttempt, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { oneLine } from '../util/escape.js';
import { dailyBars, type DayView } from './days.js';

/** What the page shows for a service: its health status, or `maintenance` while paused. */
export type PageStatus = 'up' | 'slow' | 'degraded' | 'down' | 'unknown' | 'maintenance';
/** The whole page's status. */
export type OverallStatus = 'up' | 'degraded' | 'down' | 'maintenance' | 'unknown';

/** One service on the page. Nothing here is secret: no health URL (it may carry a token), no error text. */
export interface ServiceView {
  id: string;
  name: string;
  status: PageStatus;
  /** When the status began (epoch ms). */
  since?: number;
  /** The end of the maintenance window, when paused with one. */
  pausedUntil?: number;
  uptime: Record<UptimeWindow, number | undefined>;
  /** Median and 95th percentile response time over the last 24 h (hourly samples), else the last one. */
  responseMs?: { p50: number; p95: number };
  /** Hourly buckets of the last 7 days, oldest first. */
  hourly: Bucket[];
  /** The last 90 UTC days, oldest first: the uptime bar. */
  days: DayView[];
  /** The first check (epoch ms): windows longer than what was watched are not shown as if they were. */
  watchedSince?: number;
  /** The last check's response time, for a page of the first hour (no hourly sample yet). */
  lastResponse?: { at: number; ms: number };
  /** The 30-day error budget left and the burn firing now (src/slo/burn.ts); absent before the first check. */
  errorBudget?: BurnView;
  /** Days left on the TLS certificate at the last check (https services, `type: tls`). */
  certificateDaysLeft?: number;
}

/** One incident (with an issue) or outage (without) in the history list. */
export interface IncidentView {
  service: string;
  serviceName: string;
  kind: 'down' | 'degraded';
  start: number;
  end?: number;
  number?: number;
  /** http(s) link to the issue. */
  url?: string;
  /** What was done during it, in order: `restart: healthy again after 40s`. */
  actions: string[];
}

/** Everything the page, status.json and the badges are made of. */
export interface SiteModel {
  title: string;
  /** Where the page is published (config `statusPage.url`), with a trailing slash: the feed's links. */
  url?: string;
  generatedAt: number;
  status: OverallStatus;
  services: ServiceView[];
  incidents: IncidentView[];
}

/** Options of {@link siteModel} and `renderSite`. */
export interface SiteOptions {
  now: number;
  /** Page title. @default config.statusPage.title ?? "Status" */
  title?: string;
  /** The issue's URL from its number (e.g. `https://github.com/o/r/issues/${n}`); used when the state has none. */
  issueUrl?: (number: number) => string | undefined;
}

const safeUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** The page's data from the config and the state. Only configured services are shown. Pure. */
export function siteModel(config: Config, state: StateWithHistory, options: SiteOptions): SiteModel {
  const { now } = options;
  const history = historyOf(state);
  const services: ServiceView[] = Object.values(config.services)
    .filter((s) => SERVICE_KEY.test(s.id))
    // One line (no control or bidi characters), never shortened: the page wraps a long name.
    .map((s) => serviceView(s.id, oneLine(s.name), state, history.services[s.id]?.hourly ?? [], now))
    .map((view) => withErrorBudget(view, config, state, now));
  const names = new Map(services.map((s) => [s.id, s.name]));
  const incidents = incidentViews(state, names, options);
  for (const service of services) {
    const starts = incidents.filter((i) => i.service === service.id);
    service.days = dailyBars(state.services[service.id], starts, now);
  }
  const configTitle = config.statusPage?.title;
  const pageUrl = safeUrl(config.statusPage?.url);
  return {
    title: options.title ?? configTitle ?? 'Status',
    ...(pageUrl ? { url: pageUrl.endsWith('/') ? pageUrl : `${pageUrl}/` } : {}),
    generatedAt: now,
    status: overall(services),
    services,
    incidents,
  };
}

function serviceView(
  id: string,
  name: string,
  state: UptimeState,
  hourly: Bucket[],
  now: number,
): ServiceView {
  const record = state.services[id];
  const pause = state.pauses[id];
  const paused = pause !== undefined && (pause.until === undefined || pause.until > now);
  const recent = hourly.filter((b) => b.t > now - 7 * DAY_MS);
  const view: ServiceView = {
    id,
    name,
    status: paused ? 'maintenance' : (record?.health.status ?? 'unknown'),
    since: paused ? pause.at : record?.health.since,
    uptime: uptimeWindows(record, now),
    hourly: recent,
    days: [],
  };
  if (record?.firstCheckAt !== undefined) view.watchedSince = record.firstCheckAt;
  if (record?.health.lastResponseMs !== undefined && record.health.lastCheckAt !== undefined)
    view.lastResponse = { at: record.health.lastCheckAt, ms: record.health.lastResponseMs };
  if (paused && pause.until !== undefined) view.pausedUntil = pause.until;
  if (record?.health.certDaysLeft !== undefined) view.certificateDaysLeft = record.health.certDaysLeft;
  const day = recent.flatMap(({ t, p50, p95 }) =>
    t > now - DAY_MS && p50 !== null ? [{ p50, p95: p95 ?? p50 }] : [],
  );
  const medians = day.map((b) => b.p50).sort((a, b) => a - b);
  const p95s = day.map((b) => b.p95).sort((a, b) => a - b);
  if (medians.length) view.responseMs = { p50: percentile(medians, 50)!, p95: p95s[p95s.length - 1] };
  else if (record?.health.lastResponseMs !== undefined)
    view.responseMs = { p50: record.health.lastResponseMs, p95: record.health.lastResponseMs };
  return view;
}

function withErrorBudget(view: ServiceView, config: Config, state: UptimeState, now: number): ServiceView {
  const record = Object.hasOwn(state.services, view.id) ? state.services[view.id] : undefined;
  const budget = burnView(record, config, config.services[view.id], now);
  return budget ? { ...view, errorBudget: budget } : view;
}

function overall(services: ServiceView[]): OverallStatus {
  const statuses = new Set(services.map((s) => s.status));
  if (statuses.has('down')) return 'down';
  if (statuses.has('degraded') || statuses.has('slow')) return 'degraded';
  if (statuses.has('up')) return 'up';
  if (statuses.has('maintenance')) return 'maintenance';
  return 'unknown';
}

function incidentViews(
  state: StateWithHistory,
  names: Map<string, string>,
  options: SiteOptions,
): IncidentView[] {
  const { now } = options;
  const link = (n: number, url?: string) => safeUrl(url) ?? safeUrl(options.issueUrl?.(n));
  const out: IncidentView[] = [];
  const log = [...historyOf(state).incidents];
  for (const [service, ref] of Object.entries(state.incidents)) {
    if (!log.some((e) => e.service === service && e.number === ref.number))
      log.push({ service, number: ref.number, url: ref.url, kind: ref.kind, openedAt: ref.openedAt });
  }
  for (const e of log) {
    const serviceName = names.get(e.service);
    if (serviceName === undefined || e.openedAt < now - 90 * DAY_MS) continue;
    out.push({
      service: e.service,
      serviceName,
      kind: e.kind,
      start: e.openedAt,
      end: e.closedAt,
      number: e.number,
      url: link(e.number, e.url),
      actions: actionsDuring(state, e.service, e.openedAt, e.closedAt ?? now),
    });
  }
  // Outages no incident issue covers (e.g. the CLI's local runs) are listed too, without a link.
  for (const [service, record] of Object.entries(state.services)) {
    const serviceName = names.get(service);
    if (serviceName === undefined) continue;
    for (const o of record.outages) {
      if ((o.end ?? now) < now - 90 * DAY_MS) continue;
      const covered = out.some(
        (i) => i.service === service && i.start <= (o.end ?? now) && (i.end ?? now) >= o.start,
      );
      if (!covered)
        out.push({
          service,
          serviceName,
          kind: 'down',
          start: o.start,
          end: o.end,
          actions: actionsDuring(state, service, o.start, o.end ?? now),
        });
    }
  }
  return out.sort((a, b) => b.start - a.start);
}

/** The recovery attempts of a service within `[from, to]`, in words (no provider output: it may hold secrets). */
function actionsDuring(state: UptimeState, service: string, from: number, to: number): string[] {
  return (state.services[service]?.attempts ?? [])
    .filter((a) => !a.pending && a.at >= from && a.at <= to)
    .sort((a, b) => a.at - b.at)
    .map(describeAttempt);
}

function describeAttempt(a: RecoveryAttempt): string {
  const result = a.healthy
    ? `healthy again after ${formatDuration(a.durationMs)}`
    : a.providerOk
      ? 'not healthy in time'
      : 'failed';
  return `${a.action}${a.trigger === 'predictive' ? ' (predictive)' : ''}: ${result}`;
}

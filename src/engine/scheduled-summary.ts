import type { EngineDeps, EngineEvent, SweepResult } from './types.js';
import { descriptorFor } from '../providers/registry.js';
import { renderRunSummary, type TokenProblem } from '../report/summary.js';
import { uptimeFromTime } from '../report/uptime.js';
import type { UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import type { CronGapReport } from '../github/cron.js';
import type { OverallStatus, ScheduledRunOptions, ScheduledRunResult, ServiceReport } from './scheduled.js';

/** A scheduled run's result: outputs, the `report` JSON and the job summary, all from the same facts. */
export function summarise(
  deps: EngineDeps,
  results: SweepResult[],
  state: UptimeState,
  wrote: boolean,
  gaps: CronGapReport | undefined,
  options: ScheduledRunOptions,
): ScheduledRunResult {
  const last = results.at(-1);
  const events = results.flatMap((r) => r.events);
  const mode = last?.mode ?? state.mode ?? deps.config.mode;
  const outcomes = last?.services ?? {};
  // A latest check that failed counts, even before the mode's rules call the service down (a first run).
  // A service the monitor could not probe (its own EMFILE) is not failing, but the run is not all up either.
  const failing = (o: (typeof outcomes)[string]) =>
    o.status !== 'paused' && o.status !== 'down' && o.error !== undefined && !o.unchecked;
  const status: OverallStatus = Object.values(outcomes).some((o) => o.status === 'down')
    ? 'down'
    : Object.values(outcomes).some(
          (o) => o.status === 'degraded' || o.status === 'slow' || failing(o) || o.unchecked,
        )
      ? 'degraded'
      : 'up';
  const down = Object.values(outcomes)
    .filter((o) => o.status === 'down')
    .map((o) => o.service);
  const recovered = [
    ...new Set(
      results.flatMap((r) =>
        Object.values(r.services)
          .filter((o) => o.recovered)
          .map((o) => o.service),
      ),
    ),
  ];
  const incidents = new Set<number>();
  for (const e of events)
    if (e.type === 'incident-opened' || e.type === 'incident-resolved') incidents.add(e.number);
  for (const o of Object.values(outcomes)) if (o.incident !== undefined) incidents.add(o.incident);

  const services: Record<string, ServiceReport> = {};
  for (const [id, o] of Object.entries(outcomes)) {
    const record = state.services[id];
    const uptime = record ? uptimeFromTime(record, deps.clock.now()) : undefined;
    services[id] = {
      name: o.name,
      status: o.status,
      ...(failing(o) ? { failing: true } : {}),
      ...(uptime !== undefined ? { uptimePercent: Math.round(uptime * 1000) / 1000 } : {}),
      responseMs: o.responseMs,
      error: o.error,
      incident: o.incident,
      recovered: recovered.includes(id),
      actions: results
        .flatMap((r) => r.services[id]?.attempts ?? [])
        .map((a) => ({
          action: a.action,
          trigger: a.trigger,
          ok: a.providerOk,
          healthy: a.healthy,
          durationMs: a.durationMs,
          detail: a.detail,
        })),
      planned: [
        ...new Set(
          results.flatMap((r) => (r.services[id]?.planned ?? []).map((p) => `${p.action}: ${p.reason}`)),
        ),
      ],
    };
  }
  // A watch repeats the same line every sweep (a paused service, a backoff): each line once, in order.
  const done = [
    ...new Set(events.map((e) => describe(deps, e)).filter((line): line is string => line !== undefined)),
  ];
  const warnings = events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message);
  if (gaps?.warning) warnings.push(gaps.warning);
  if (options.stateUnavailable)
    warnings.unshift(
      `GitHub could not be reached (${options.stateUnavailable}): checked and recovered with an in-memory state; nothing was saved and no incident issue was written.`,
    );
  const failure = down.length
    ? `${down.map((id) => deps.config.services[id]?.name ?? id).join(', ')} ${down.length === 1 ? 'is' : 'are'} still down${
        Object.values(services).some((s) => s.actions.length) ? ' after recovery' : ''
      }. See the job summary and the incident issue${down.length === 1 ? '' : 's'}.`
    : undefined;
  const writes = [...results.flatMap((r) => r.writes), ...(options.storeWrites?.() ?? [])];
  const summary = renderRunSummary({
    config: deps.config,
    state,
    now: deps.clock.now(),
    mode,
    writes: deps.dryRun || options.stateUnavailable ? undefined : writes,
    done: done.filter((l) => !l.startsWith('⚠️ ')),
    // The unreachable warning is the summary's callout; listed once, not twice.
    warnings: options.stateUnavailable ? warnings.slice(1) : warnings,
    tokenProblems: tokenProblems(deps, results),
    dryRun: deps.dryRun,
    stateUnavailable: options.stateUnavailable,
    lastActivityAt: options.lastActivityAt,
  });
  return {
    status,
    down,
    recovered,
    incidents: [...incidents].sort((a, b) => a - b),
    report: {
      mode,
      status,
      dryRun: deps.dryRun === true,
      sweeps: results.length,
      services,
      ...(gaps?.warning ? { cronGap: gaps.warning } : {}),
    },
    summary,
    done: [...writes, ...done],
    warnings,
    failure,
    state,
    wrote: wrote && !options.stateUnavailable,
  };
}

/**
 * Token problems of the services that needed recovery this run, for the summary: "missing" when none of the
 * provider's token variables is set (the platform was never asked), "refused" when it answered 401/403.
 */
function tokenProblems(deps: EngineDeps, results: SweepResult[]): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const env = deps.providerContext.env;
  for (const r of results)
    for (const o of Object.values(r.services)) {
      if (!o.attempts.length) continue;
      const provider = deps.config.services[o.service]?.recovery?.provider;
      if (!provider) continue;
      let names: readonly string[] = [];
      try {
        names = descriptorFor(provider).secretEnv;
      } catch {
        names = [];
      }
      const variable = names.join(' or ') || 'its token';
      if (names.length && !names.some((name) => env[name])) {
        problems.push({ service: o.service, provider, kind: 'missing', variable });
      } else if (o.attempts.some((a) => a.authFailed)) {
        problems.push({ service: o.service, provider, kind: 'refused', variable });
      }
    }
  return problems;
}

function describe(deps: EngineDeps, e: EngineEvent): string | undefined {
  const name = (id?: string) => (id ? (deps.config.services[id]?.name ?? id) : 'uptime-action');
  switch (e.type) {
    case 'status':
      if (e.from === 'unknown' && e.to === 'up') return undefined; // a first healthy check is not news
      return `${name(e.service)}: ${e.from} → ${e.to} (${e.reason})`;
    case 'recovery-end': {
      const a = e.attempt;
      const result = a.healthy
        ? `healthy again after ${formatDuration(a.durationMs)}`
        : a.providerOk
          ? 'not healthy in time'
          : 'failed';
      return `${name(e.service)}: ${a.action} (${a.trigger}) — ${result}. ${a.detail.split('\n')[0]}`;
    }
    case 'escalated':
      return `${name(e.service)}: escalated to people — ${e.reason}`;
    case 'incident-opened':
      return `${name(e.service)}: opened incident #${e.number}`;
    case 'incident-resolved':
      return `${name(e.service)}: resolved incident #${e.number} after ${formatDuration(e.durationMs)}`;
    case 'skipped':
    case 'waiting':
      return `${name(e.service)}: ${e.reason}`;
    case 'error':
      return `⚠️ ${e.message}`;
    default:
      return undefined;
  }
}

import type { Mode } from '../config/presets.js';
import { mergeSweep, sweep } from './sweep.js';
import { watch } from './watch.js';
import type { EngineDeps, EngineEvent, SweepResult } from './types.js';
import { renderDoctor, runDoctor } from '../providers/doctor.js';
import { descriptorFor } from '../providers/registry.js';
import { renderRunSummary, type TokenProblem } from '../report/summary.js';
import { uptimeFromTime } from '../report/uptime.js';
import type { StateStore, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { MemoryStateStore } from '../state/memory.js';
import { emptyState } from '../state/records.js';
import { networkFailure } from '../github/client.js';
import { recordGaps, type CronGapReport } from '../github/cron.js';

/**
 * One scheduled run of the Action (or any face that sweeps on a timer): read the shared state, sweep once or
 * watch for a while, write only when something changed, and say what happened. No `@actions/*` here: the
 * face turns the result into outputs, a job summary and annotations.
 */

export type OverallStatus = 'up' | 'degraded' | 'down';

export interface ScheduledRunOptions {
  deps: EngineDeps;
  store: StateStore;
  /** Overrides the mode (the `mode` input). */
  mode?: Mode;
  /** Keep sweeping for this long (ms); 0 = one sweep. */
  watchMs: number;
  /** Cron gap detection (reads the workflow's run history); omitted outside scheduled runs. */
  detectGaps?: () => Promise<CronGapReport>;
  /** What the store wrote so far, in words (the job summary's "What was done"). */
  storeWrites?: () => string[];
  /** The repository's last activity (epoch ms), for the 60-day warning. */
  lastActivityAt?: number;
  /** Set (internally) when the shared state could not be read: why. */
  stateUnavailable?: string;
}

/** Per service, as the `report` output carries it. */
export interface ServiceReport {
  name: string;
  status: string;
  /** The latest check failed although the mode's rules do not call the service down (yet). */
  failing?: boolean;
  /** Time-based uptime in percent (as in the job summary); absent before any time was watched. */
  uptimePercent?: number;
  responseMs?: number;
  error?: string;
  incident?: number;
  recovered: boolean;
  /** What was done: one entry per recovery attempt this run. */
  actions: Array<{
    action: string;
    trigger: string;
    ok: boolean;
    healthy: boolean;
    durationMs: number;
    detail: string;
  }>;
  /** What would be done (dry-run) or was decided. */
  planned: string[];
}

export interface ScheduledRunResult {
  status: OverallStatus;
  /** Service keys down at the end. */
  down: string[];
  /** Service keys that were down and came back this run. */
  recovered: string[];
  /** Incident issues opened, resolved or still open. */
  incidents: number[];
  /** The `report` output (JSON-serialisable). */
  report: {
    mode: Mode;
    status: OverallStatus;
    dryRun: boolean;
    sweeps: number;
    services: Record<string, ServiceReport>;
    cronGap?: string;
  };
  /** Markdown for the job summary: the status table and what was done. */
  summary: string;
  /** Lines for people: what was done, in order. */
  done: string[];
  /** Problems worth an annotation (incident-log errors, a cron gap). */
  warnings: string[];
  /** Set when the step must fail: a service is still down after recovery. */
  failure?: string;
  state: UptimeState;
  /** Whether a state write was asked for (the store still skips it when nothing differs). */
  wrote: boolean;
}

/** A store that writes nothing: dry runs plan and report but change nothing. */
export function readOnlyStore(store: StateStore): StateStore {
  return {
    read: () => store.read(),
    update: async (change) => {
      const current = await store.read();
      return change(current) ?? current;
    },
  };
}

/** Runs the sweep(s) and persists like the Action does. */
export async function runScheduled(options: ScheduledRunOptions): Promise<ScheduledRunResult> {
  const { deps } = options;
  // Two independent reads: the shared state and the workflow's run history.
  // GitHub unreachable (network error, 5xx after the client's retries): probe and recover anyway with an
  // in-memory state, warn once, write nothing to the state branch.
  let unreachable: string | undefined;
  const [initial, gapReport] = await Promise.all([
    options.store.read().catch((error: unknown) => {
      // The network's own words (`could not reach GitHub at <url> (ECONNREFUSED)`) when it never answered.
      const cause = error instanceof Error ? error.cause : undefined;
      unreachable =
        networkFailure(cause) ??
        networkFailure(error) ??
        (error instanceof Error ? error.message.split('\n')[0] : String(error));
      return emptyState();
    }),
    options.detectGaps ? options.detectGaps().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  if (unreachable !== undefined && !options.stateUnavailable) {
    // Said once: one warning (the face's annotation) and the summary's callout.
    const memory = new MemoryStateStore(initial, { now: () => deps.clock.now() });
    return runScheduled({
      ...options,
      deps: { ...deps, store: undefined, incidents: undefined },
      store: memory,
      detectGaps: undefined,
      storeWrites: undefined,
      stateUnavailable: unreachable,
    });
  }
  let wrote = false;
  // Every write (and only a write) also records cron gaps as unmonitored time.
  const base = deps.dryRun ? readOnlyStore(options.store) : options.store;
  let firstRead = true;
  const store: StateStore = {
    read: async () => (firstRead ? ((firstRead = false), structuredClone(initial)) : base.read()),
    update: async (change) => {
      wrote = !deps.dryRun;
      return base.update((s) => {
        const next = change(s) ?? s;
        return gapReport?.gaps.length
          ? { ...next, unmonitored: recordGaps(next.unmonitored, gapReport.gaps) }
          : next;
      });
    },
  };

  const results: SweepResult[] = [];
  let finalState: UptimeState;
  if (options.watchMs > 0) {
    await watch(deps, store, {
      durationMs: options.watchMs,
      mode: options.mode,
      persist: 'changes',
      onSweep: (r) => void results.push(r),
    });
    finalState = results.at(-1)?.state ?? initial;
  } else {
    const result = await sweep(deps, ((firstRead = false), initial), { mode: options.mode });
    results.push(result);
    finalState = result.changed ? await store.update((fresh) => mergeSweep(fresh, result)) : result.state;
  }
  const doctor = await doctorAfterAuthFailure(deps, results);
  const summary = summarise(deps, results, finalState, wrote, gapReport, options);
  if (!doctor) return summary;
  return {
    ...summary,
    summary: `${summary.summary}\n\n#### Doctor (a platform refused the token)\n\n\`\`\`\n${doctor}\n\`\`\``,
  };
}

/**
 * When a platform refused our token during the run, runs `doctor`'s read-only checks once for those
 * services and logs them: the table says which token, scope or ID to fix.
 */
async function doctorAfterAuthFailure(deps: EngineDeps, results: SweepResult[]): Promise<string | undefined> {
  const refused = new Set(
    results.flatMap((r) =>
      Object.values(r.services)
        .filter((o) => o.attempts.some((a) => a.authFailed))
        .map((o) => o.service),
    ),
  );
  if (refused.size === 0) return undefined;
  const services = Object.fromEntries(Object.entries(deps.config.services).filter(([id]) => refused.has(id)));
  try {
    const text = renderDoctor(await runDoctor({ ...deps.config, services }, deps.providerContext));
    deps.logger.info(`A platform refused the token; doctor's checks:\n${text}`);
    return text;
  } catch (error) {
    deps.logger.warn(`doctor could not run: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function summarise(
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
  const failing = (o: (typeof outcomes)[string]) =>
    o.status !== 'paused' && o.status !== 'down' && o.error !== undefined;
  const status: OverallStatus = Object.values(outcomes).some((o) => o.status === 'down')
    ? 'down'
    : Object.values(outcomes).some((o) => o.status === 'degraded' || o.status === 'slow' || failing(o))
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
    tokenProblems: refusedTokens(deps, results),
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

/** A platform answered 401/403 to a recovery call: "token refused" (never "missing") for the summary. */
function refusedTokens(deps: EngineDeps, results: SweepResult[]): TokenProblem[] {
  const problems: TokenProblem[] = [];
  for (const r of results)
    for (const o of Object.values(r.services)) {
      if (!o.attempts.some((a) => a.authFailed)) continue;
      const provider = deps.config.services[o.service]?.recovery?.provider;
      if (!provider) continue;
      let variable: string;
      try {
        variable = descriptorFor(provider).secretEnv.join(' or ') || 'its token';
      } catch {
        variable = 'its token';
      }
      problems.push({ service: o.service, provider, kind: 'refused', variable });
    }
  return problems;
}

function describe(deps: EngineDeps, e: EngineEvent): string | undefined {
  const name = (id?: string) => (id ? (deps.config.services[id]?.name ?? id) : 'uptime-action');
  switch (e.type) {
    case 'status':
      if (e.from === 'unknown' && e.to === 'up') return undefined; // a first healthy check is not news
      return `${name(e.service)}: ${e.from} → **${e.to}** (${e.reason})`;
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

import type { Mode } from '../config/presets.js';
import { sweep, watch } from '../engine/index.js';
import { Publisher } from '../engine/publish.js';
import { publishSiteAfterRun, type SiteSink } from '../engine/site.js';
import type { EngineDeps, EngineEvent, SweepResult } from '../engine/types.js';
import { renderDoctor, runDoctor } from '../providers/doctor.js';
import { renderStatusMarkdown } from '../report/markdown.js';
import type { StateStore, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { MemoryStateStore } from '../state/memory.js';
import { emptyState } from '../state/records.js';
import { recordGaps, type CronGapReport } from './cron.js';

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
  /** Where the status site is kept (`site/` on the state branch): written when changed, at most hourly. */
  site?: SiteSink;
}

/** Per service, as the `report` output carries it. */
export interface ServiceReport {
  name: string;
  status: string;
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

function withWarning(result: ScheduledRunResult, warning: string): ScheduledRunResult {
  return {
    ...result,
    wrote: false,
    warnings: [warning, ...result.warnings],
    summary: `${result.summary}\n\n> [!WARNING]\n> ${warning}`,
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
      unreachable = `The shared state could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); this run probed and recovered with an in-memory state and wrote no state.`;
      deps.logger.warn(unreachable);
      return emptyState();
    }),
    options.detectGaps ? options.detectGaps().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  if (unreachable) {
    const memory = new MemoryStateStore(initial, { now: () => deps.clock.now() });
    return withWarning(
      await runScheduled({
        ...options,
        deps: { ...deps, store: undefined },
        store: memory,
        detectGaps: undefined,
        site: undefined,
      }),
      unreachable,
    );
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
  const publisher = new Publisher(deps);
  let finalState: UptimeState;
  if (options.watchMs > 0) {
    await watch(deps, store, {
      durationMs: options.watchMs,
      mode: options.mode,
      persist: 'changes',
      onSweep: (r) => void results.push(r),
      publisher,
    });
    finalState = results.at(-1)?.state ?? initial;
  } else {
    const result = await sweep(deps, ((firstRead = false), initial), { mode: options.mode });
    results.push(result);
    finalState = await publisher.afterSweep(store, result);
  }
  await publisher.finish(); // notifications were sent after each write; wait for them only now (bounded)
  if (options.site && !deps.dryRun)
    await publishSiteAfterRun(deps.config, finalState, deps.clock.now(), options.site, deps.logger);
  const doctor = await doctorAfterAuthFailure(deps, results);
  const summary = summarise(deps, results, finalState, wrote, gapReport);
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
  gaps?: CronGapReport,
): ScheduledRunResult {
  const last = results.at(-1);
  const events = results.flatMap((r) => r.events);
  const mode = last?.mode ?? state.mode ?? deps.config.mode;
  const outcomes = last?.services ?? {};
  const statuses = Object.values(outcomes).map((o) => o.status);
  const status: OverallStatus = statuses.includes('down')
    ? 'down'
    : statuses.some((s) => s === 'degraded' || s === 'slow')
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
    services[id] = {
      name: o.name,
      status: o.status,
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
  const failure = down.length
    ? `${down.map((id) => deps.config.services[id]?.name ?? id).join(', ')} ${down.length === 1 ? 'is' : 'are'} still down${
        Object.values(services).some((s) => s.actions.length) ? ' after recovery' : ''
      }. See the job summary and the incident issue${down.length === 1 ? '' : 's'}.`
    : undefined;
  const now = deps.clock.now();
  const summaryParts = [renderStatusMarkdown(deps.config, state, { now, mode })];
  summaryParts.push(
    '',
    '#### What was done',
    '',
    ...(done.length ? done.map((l) => `- ${l}`) : ['- Nothing: every check passed, nothing written.']),
  );
  if (deps.dryRun) summaryParts.push('', '_Dry run: nothing was restarted, no issue or state was written._');
  if (gaps?.warning) summaryParts.push('', `> [!WARNING]\n> ${gaps.warning}`);
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
    summary: summaryParts.join('\n'),
    done,
    warnings,
    failure,
    state,
    wrote,
  };
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

import type { Mode } from '../config/presets.js';
import { Publisher } from './publish.js';
import { publishSiteAfterRun, type SiteSink } from './site.js';
import { sweep } from './sweep.js';
import { watch } from './watch.js';
import type { EngineDeps, SweepResult } from './types.js';
import { summarise } from './scheduled-summary.js';
import { renderDoctor, runDoctor } from '../providers/doctor.js';
import type { StateStore, UptimeState } from '../state/types.js';
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
  /**
   * Where the status site is kept (`site/` on the state branch, `statusPage.branch: true`): written when
   * changed, at most hourly. Omitted by default: the Pages workflow renders the page from the state.
   */
  site?: SiteSink;
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
      site: undefined,
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
  const siteWritten =
    options.site && !deps.dryRun
      ? await publishSiteAfterRun(deps.config, finalState, deps.clock.now(), options.site, deps.logger)
      : false;
  const doctor = await doctorAfterAuthFailure(deps, results);
  const summary = summarise(deps, results, finalState, wrote, gapReport, {
    ...options,
    storeWrites: () => [
      ...(options.storeWrites?.() ?? []),
      ...(siteWritten ? ['updated the status page (site/ on the state branch)'] : []),
    ],
  });
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

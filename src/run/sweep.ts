import type { Mode } from '../config/presets.js';
import { Publisher, type PublishReport, type PublisherOptions } from '../engine/publish.js';
import { SiteKeeper, type SiteSink } from '../site/sink.js';
import type { EngineDeps } from '../engine/types.js';
import { sweepLoop } from '../engine/watch.js';
import { networkFailure } from '../github/client.js';
import { recordGaps, type CronGapReport } from '../github/cron.js';
import { renderDoctor, runDoctor } from '../providers/doctor.js';
import { needsPings } from '../monitors/registry.js';
import { descriptorFor } from '../providers/registry.js';
import { runResult, RunTally, type RunContext, type RunResult } from '../report/run-report.js';
import { MemoryStateStore } from '../state/memory.js';
import { OfflineStore } from './offline-store.js';
import { adoptOpenIncidents } from './adopt-incidents.js';
import { emptyState } from '../state/records.js';
import type { StateStore, UptimeState } from '../state/types.js';
import type { CheckNow } from '../events/check-now.js';
import type { SweepResult } from '../outcome/types.js';

/**
 * The one use case every face runs (docs/architecture.md, "A sweep"): read the state → probe → plan →
 * execute → publish history, notifications and the site → save → a result the face formats. A watch is the
 * same run with more sweeps over the same save path. The Action's scheduled run, `uptime-action sweep`,
 * `uptime-action watch` and the bot's hosted watch call {@link runSweep}; none of them decides anything.
 */

export interface RunSweepOptions {
  deps: EngineDeps;
  store: StateStore;
  /** Overrides the mode (the `mode` input, `--mode`). */
  mode?: Mode;
  /** Keep sweeping for this long (ms): 0 = one sweep; Infinity = until `signal`. */
  watchMs: number;
  signal?: AbortSignal;
  /** `changes` (the Action, the bot): a healthy sweep writes nothing. `always`: the CLI's local file. @default changes */
  persist?: 'changes' | 'always';
  /** Cron gap detection (reads the workflow's run history); omitted outside scheduled runs. */
  detectGaps?: () => Promise<CronGapReport>;
  /** Where the status site is kept (written when changed, at most hourly); none by default. */
  site?: SiteSink | SiteKeeper;
  /** What the store wrote so far, in words (the job summary's "What was done"). */
  storeWrites?: () => string[];
  /** The repository's last activity (epoch ms), for the 60-day warning. */
  lastActivityAt?: number;
  /**
   * The shared state can't be read: `memory` (the Action) checks and recovers anyway with an in-memory state,
   * writes nothing and says so once; `throw` (the hosted watch, which retries its session) fails the run.
   * @default memory
   */
  unreadableState?: 'memory' | 'throw';
  /** Message budgets of the notifications (src/engine/publish.ts). */
  notify?: PublisherOptions;
  /**
   * Messages still in flight at the end: `await` them (bounded, 15 s by default), or settle them in the
   * `background` (the hosted watch: the next session's first sweep is not delayed). @default await
   */
  settle?: 'await' | 'background';
  /** After each sweep (and its write): the live dashboard of `watch`. */
  onSweep?: (result: SweepResult) => void | Promise<void>;
  /** Platform events and `/fail` pings: a service asked for is checked at once between sweeps (docs/monitors.md). */
  checkNow?: CheckNow;
}

export interface RunSweepResult extends RunResult {
  /** The notifications' end: settled (await) or settling (background). */
  notifications: Promise<PublishReport>;
  /** Batches of messages still in flight when the sweeps ended (before waiting for them). */
  inFlight: number;
}

/** A store that writes nothing: dry runs plan and report but change nothing. */
function readOnlyStore(store: StateStore): StateStore {
  return {
    read: () => store.read(),
    update: async (change) => {
      const current = await store.read();
      return change(current) ?? current;
    },
  };
}

/** The state and the stores a run works with, decided before its first sweep. */
interface OpenedRun {
  deps: EngineDeps;
  store: StateStore;
  initial: UptimeState;
  gaps?: CronGapReport;
  /** Why the shared state could not be read (the run uses an in-memory state). */
  unavailable?: string;
  /** Whether a state write was asked for. */
  wrote(): boolean;
}

/** Runs the sweep(s), saves, publishes and says what happened. */
export async function runSweep(options: RunSweepOptions): Promise<RunSweepResult> {
  const run = await openRun(options);
  const { deps } = run;
  const publisher = new Publisher(deps, options.notify);
  const tally = new RunTally(deps.config);
  const site = siteKeeper(options, run);
  const siteWritesBefore = site?.writes ?? 0;
  const { state } = await sweepLoop(deps, run.store, {
    initial: run.initial,
    sweeps: options.watchMs > 0 ? undefined : 1,
    durationMs: options.watchMs > 0 && Number.isFinite(options.watchMs) ? options.watchMs : undefined,
    signal: options.signal,
    mode: options.mode,
    persist: options.persist,
    publisher,
    site,
    checkNow: options.checkNow,
    onSweep: async (result) => {
      tally.add(result);
      await options.onSweep?.(result);
    },
  });
  // Notifications were sent after each write; waited for only now (bounded), or left to settle.
  const inFlight = publisher.inFlight;
  const notifications = publisher.finish();
  if (options.settle !== 'background') await notifications;
  const siteWritten = (site?.writes ?? 0) > siteWritesBefore;
  const result = runResult(tally, state, runContext(options, run, siteWritten));
  const doctor = await doctorAfterAuthFailure(deps, tally);
  const summary = doctor
    ? `${result.summary}\n\n#### Doctor (a platform refused the token)\n\n\`\`\`\n${doctor}\n\`\`\``
    : result.summary;
  return { ...result, summary, notifications, inFlight };
}

/** The status site's keeper: none when the state could not be read or in a dry run. */
function siteKeeper(options: RunSweepOptions, run: OpenedRun): SiteKeeper | undefined {
  if (!options.site || run.unavailable || run.deps.dryRun) return undefined;
  return options.site instanceof SiteKeeper ? options.site : new SiteKeeper(options.site, run.deps.logger);
}

/** The facts of the run the report needs besides its sweeps. */
function runContext(options: RunSweepOptions, run: OpenedRun, siteWritten: boolean): RunContext {
  const { deps } = run;
  return {
    config: deps.config,
    now: deps.clock.now(),
    env: deps.providerContext.env,
    dryRun: deps.dryRun,
    storeWrites: run.unavailable
      ? undefined
      : [
          ...(options.storeWrites?.() ?? []),
          ...(siteWritten ? ['updated the status page (site/ on the state branch)'] : []),
        ],
    cronGap: run.gaps?.warning,
    stateUnavailable: run.unavailable,
    lastActivityAt: options.lastActivityAt,
    wrote: run.wrote(),
    secretEnvOf,
    uncheckedByDesign: needsPings(deps.config),
  };
}

/**
 * Reads the shared state and the workflow's run history (two independent reads) before the first sweep.
 * Unreadable state (GitHub unreachable: a network error, 5xx after the client's retries): an in-memory state
 * with no claims and no incident writes, said once. Every write of the run (the sweeps', the recovery
 * claims') goes through one store that also books cron gaps as unmonitored time.
 */
async function openRun(options: RunSweepOptions): Promise<OpenedRun> {
  const { deps } = options;
  const [read, gaps] = await Promise.all([
    options.store.read().then(
      (state) => ({ state }),
      (error: unknown) => ({ error }),
    ),
    options.detectGaps ? options.detectGaps().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  if ('error' in read) {
    if (options.unreadableState === 'throw') throw read.error;
    const initial = emptyState();
    // A dry run writes nothing anyway; any other run writes what it owes once GitHub answers again.
    const store = deps.dryRun
      ? new MemoryStateStore(initial, { now: () => deps.clock.now() })
      : new OfflineStore(options.store, deps.clock, deps.logger, read.error);
    return {
      // No recovery claims or incident issues on a state never read: an incident opened blind could be a second one.
      deps: { ...deps, store: undefined, incidents: undefined },
      store,
      initial,
      unavailable: unreadableBecause(read.error),
      wrote: () => store instanceof OfflineStore && store.wrote,
    };
  }
  let wrote = false;
  const base = deps.dryRun ? readOnlyStore(options.store) : options.store;
  const store: StateStore = {
    read: () => base.read(),
    update: (change) => {
      wrote = !deps.dryRun;
      return base.update((s) => {
        const next = change(s) ?? s;
        return gaps?.gaps.length ? { ...next, unmonitored: recordGaps(next.unmonitored, gaps.gaps) } : next;
      });
    },
  };
  const initial = deps.incidents
    ? await adoptOpenIncidents(read.state, Object.values(deps.config.services), deps.incidents, deps.logger)
    : read.state;
  return {
    // Recovery claims go through the same store (budget re-checked in the compare-and-swap, gaps booked).
    deps: deps.store ? { ...deps, store } : deps,
    store,
    initial,
    gaps,
    wrote: () => wrote,
  };
}

/** The network's own words (`could not reach GitHub at <url> (ECONNREFUSED)`) when it never answered. */
function unreadableBecause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return (
    networkFailure(cause) ??
    networkFailure(error) ??
    (error instanceof Error ? error.message.split('\n')[0] : String(error))
  );
}

/** The variables that hold a provider's token; none for an unknown provider (the config named it). */
function secretEnvOf(provider: string): readonly string[] {
  try {
    return descriptorFor(provider).secretEnv;
  } catch {
    return [];
  }
}

/**
 * When a platform refused our token during the run, runs `doctor`'s read-only checks once for those
 * services and logs them: the table says which token, scope or ID to fix.
 */
async function doctorAfterAuthFailure(deps: EngineDeps, tally: RunTally): Promise<string | undefined> {
  const refused = new Set(
    tally
      .attempted()
      .filter((a) => a.authFailed)
      .map((a) => a.service),
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

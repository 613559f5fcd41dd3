import type { Mode } from '../config/presets.js';
import type { StateStore, UptimeState } from '../state/types.js';
import type { CheckNow } from '../events/check-now.js';
import type { Publisher } from './publish.js';
import { SiteKeeper, type SiteSink } from '../site/sink.js';
import { mergeSweep, sweep, withSweptRecords } from './sweep.js';
import type { EngineDeps } from './types.js';
import type { SweepResult } from '../outcome/types.js';

/** How often `watch` re-reads the shared state (to pick up `/mode`, `/pause` from the bot) and, with `persist: 'always'`, writes it. */
const STATE_REFRESH_MS = 60_000;

/** Sweeps kept unsaved while the state can't be written (each carries the full records; the newest are kept). */
const MAX_UNSAVED_SWEEPS = 100;

export interface WatchOptions {
  /** Stop after this long (ms); undefined = until `signal` or `sweeps`. */
  durationMs?: number;
  /** Stop after this many sweeps (a scheduled run: 1). @default no limit */
  sweeps?: number;
  signal?: AbortSignal;
  /** Overrides the mode (else `/mode`'s, else the config's). */
  mode?: Mode;
  /** The state as already read (the run read it before the first sweep); else read from `store`. */
  initial?: UptimeState;
  /**
   * `changes` (default): write only when a sweep changed something that matters (the Action's rule: a healthy
   * sweep writes nothing). `always`: also write every minute and at the end, so counters survive (the CLI's
   * local file).
   */
  persist?: 'changes' | 'always';
  onSweep?: (result: SweepResult) => void | Promise<void>;
  /**
   * Books the response-time history and claims notifications inside each write, then sends them
   * (src/engine/publish.ts); a healthy watch writes for it at most once an hour.
   */
  publisher?: Publisher;
  /**
   * Keeps the status site there up to date: re-rendered after the first sweep of each hour (the state as just
   * written, history included), written only when a file changed; a failure is a warning and is retried 10
   * minutes later. Not in a dry run.
   */
  site?: SiteSink | SiteKeeper;
  /**
   * Platform events and `/fail` pings (src/events): between sweeps, a service asked for is checked at once in a
   * sweep of its own; the regular sweeps keep their schedule.
   */
  checkNow?: CheckNow;
}

/**
 * Sweeps not yet written and the one save path of every run: a single scheduled sweep and a watch of any
 * length write through {@link SweepLedger.save}, on the state as the store has it now (compare-and-swap).
 */
class SweepLedger {
  /** Sweeps not yet written: all are re-applied in order on the fresh state, so a failed write loses nothing. */
  private pending: SweepResult[] = [];
  private unsavedChange = false;
  /** The publisher wants a write of its own (the hour's first history sample, a transition not yet claimed). */
  private publishDue = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly store: StateStore,
    private readonly persist: 'changes' | 'always',
    private readonly publisher: Publisher | undefined,
  ) {}

  /** Books a sweep; returns whether it must be written now. */
  add(result: SweepResult): boolean {
    this.pending = [...this.pending, result].slice(-MAX_UNSAVED_SWEEPS);
    if (result.changed) this.unsavedChange = true;
    this.publisher?.observe(result);
    if (this.publisher?.wantsWrite(result.state)) this.publishDue = true;
    return this.unsavedChange || this.publishDue || this.store.owes?.() === true;
  }

  /** Whether anything is left that the end of the run must write. */
  get due(): boolean {
    return (
      this.pending.length > 0 &&
      (this.unsavedChange || this.publishDue || this.persist === 'always' || this.store.owes?.() === true)
    );
  }

  /**
   * The end of the run: writes what is due. A write that never lands leaves the transitions since the last one
   * claimed nowhere: they are sent anyway (at least once; the same ids let a receiver drop a repeat), not lost
   * with the run.
   */
  async finish(state: UptimeState): Promise<UptimeState> {
    if (!this.due) return state;
    const saved = await this.save();
    if (!saved) this.publisher?.sendUnrecorded(state);
    return saved ?? state;
  }

  /** Nothing to write: drops what a `changes` run need not keep (the next read is the truth). */
  settle(): void {
    if (this.persist === 'changes') this.pending = [];
  }

  /** Re-applies the unsaved sweeps on `fresh` (a state read again). */
  replay(fresh: UptimeState): UptimeState {
    return this.pending.reduce((s, r) => mergeSweep(s, r), fresh);
  }

  /**
   * Writes the unsaved sweeps (and what the publisher booked) on the fresh state; returns the state written,
   * or undefined when the write failed (the sweeps are kept for the next try; the watch goes on).
   */
  async save(): Promise<UptimeState | undefined> {
    const results = this.pending;
    const merge = this.unsavedChange;
    // A write only for the history keeps the sweeps' records too (withSweptRecords), so state.json says how
    // a service healthy since its first check is doing.
    const full = merge || this.persist === 'always';
    try {
      const state = await this.store.update((fresh) => {
        const merged = results.reduce((s, r) => (full ? mergeSweep(s, r) : withSweptRecords(s, r)), fresh);
        // Written anyway (a change, or the CLI's `always`): the samples join the current hour.
        return this.publisher ? this.publisher.apply(merged, full) : merged;
      });
      if (this.publishDue && !merge) this.publisher?.countHistoryWrite();
      this.publisher?.written(this.store);
      this.pending = [];
      this.unsavedChange = false;
      this.publishDue = false;
      return state;
    } catch (error) {
      // A state write that keeps failing (conflicts, rate limits) must not end the watch: keep the sweeps and
      // try again after the next one.
      const message = `could not save the state (${error instanceof Error ? error.message : String(error)}); keeping ${results.length} sweep(s) to save next time`;
      this.deps.logger.warn(message);
      this.deps.onEvent?.({ type: 'error', message });
      return undefined;
    }
  }
}

/**
 * The watch loop: a sweep every `healthCheckInterval` of the mode in force, until the duration ends, the
 * signal aborts or `sweeps` were made. Each sweep starts one interval after the previous one started (a slow
 * sweep doesn't drift). Returns the last sweep.
 */
export async function watch(
  deps: EngineDeps,
  store: StateStore,
  options: WatchOptions = {},
): Promise<SweepResult | undefined> {
  return (await sweepLoop(deps, store, options)).last;
}

/**
 * {@link watch}, returning the state at the end too (as last written, or as the last sweep left it). A
 * scheduled run is this loop with `sweeps: 1` (src/run/sweep.ts): one save path for a sweep and a watch.
 */
export async function sweepLoop(
  deps: EngineDeps,
  store: StateStore,
  options: WatchOptions = {},
): Promise<{ last?: SweepResult; state: UptimeState }> {
  const { clock } = deps;
  const end = options.durationMs === undefined ? Infinity : clock.now() + options.durationMs;
  const maxSweeps = options.sweeps ?? Infinity;
  const persist = options.persist ?? 'changes';
  const ledger = new SweepLedger(deps, store, persist, options.publisher);
  const site = siteKeeper(deps, options.site);
  let state = options.initial ?? (await store.read());
  let lastSync = clock.now();
  let last: SweepResult | undefined;
  let sweeps = 0;
  // When the next full sweep is due; a sweep asked for by an event (`only`) does not move it.
  let nextFullAt = clock.now();
  let only: string[] | undefined;
  while (!options.signal?.aborted && clock.now() < end && sweeps < maxSweeps) {
    const started = clock.now();
    const result = await sweep(deps, state, { mode: options.mode, ...(only ? { only } : {}) });
    if (!only) {
      nextFullAt = started + result.tuning.healthCheckInterval;
      sweeps++;
    }
    last = result;
    state = result.state;
    const writeNow = ledger.add(result);
    const due = clock.now() - lastSync >= STATE_REFRESH_MS;
    if (writeNow || (persist === 'always' && due)) {
      state = (await ledger.save()) ?? state;
      lastSync = clock.now();
    } else if (due) {
      state = (await refresh(deps, store, ledger)) ?? state;
      lastSync = clock.now();
    }
    // After the write (never racing it on the state branch), at most once an hour.
    await site?.keep(deps.config, state, clock.now());
    await options.onSweep?.(result);
    if (sweeps >= maxSweeps) break;
    const wait = Math.min(nextFullAt, end) - clock.now();
    only = undefined;
    if (options.checkNow && !options.signal?.aborted)
      only = await options.checkNow.wait(wait, clock, options.signal);
    else if (wait > 0 && !options.signal?.aborted) await clock.sleep(wait, options.signal);
  }
  return { last, state: await ledger.finish(state) };
}

/**
 * Nothing to write: still picks up what others (the bot's /mode, /pause) wrote meanwhile. A failed read is
 * said (log + event, so the dashboard and summary show it); /mode and /pause apply again from the next read
 * that succeeds.
 */
async function refresh(
  deps: EngineDeps,
  store: StateStore,
  ledger: SweepLedger,
): Promise<UptimeState | undefined> {
  try {
    const fresh = ledger.replay(await store.read());
    ledger.settle();
    return fresh;
  } catch (error) {
    const message = `could not read the state (${error instanceof Error ? error.message : String(error)}); /mode and /pause from others apply once it reads again`;
    deps.logger.warn(message);
    deps.onEvent?.({ type: 'error', message });
    return undefined;
  }
}

function siteKeeper(deps: EngineDeps, site: WatchOptions['site']): SiteKeeper | undefined {
  if (!site || deps.dryRun) return undefined;
  return site instanceof SiteKeeper ? site : new SiteKeeper(site, deps.logger);
}

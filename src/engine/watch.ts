import type { Mode } from '../config/presets.js';
import type { StateStore } from '../state/types.js';
import type { Publisher } from './publish.js';
import { SiteKeeper, type SiteSink } from './site.js';
import { mergeSweep, sweep } from './sweep.js';
import type { EngineDeps, SweepResult } from './types.js';

/** How often `watch` re-reads the shared state (to pick up `/mode`, `/pause` from the bot) and, with `persist: 'always'`, writes it. */
export const STATE_REFRESH_MS = 60_000;

export interface WatchOptions {
  /** Stop after this long (ms); undefined = until `signal`. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Overrides the mode (else `/mode`'s, else the config's). */
  mode?: Mode;
  /**
   * `changes` (default): write only when a sweep changed something that matters (the Action's rule: a healthy
   * sweep writes nothing). `always`: also write every minute, so counters survive (the CLI's local file).
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
}

/**
 * The watch loop: a sweep every `healthCheckInterval` of the mode in force, until the duration ends or the
 * signal aborts. Each sweep starts one interval after the previous one started (a slow sweep doesn't drift).
 */
export async function watch(
  deps: EngineDeps,
  store: StateStore,
  options: WatchOptions = {},
): Promise<SweepResult | undefined> {
  const { clock } = deps;
  const end = options.durationMs === undefined ? Infinity : clock.now() + options.durationMs;
  const persist = options.persist ?? 'changes';
  let state = await store.read();
  let lastSync = clock.now();
  // Sweeps not yet written: all are re-applied in order on the fresh state, so a failed write loses nothing.
  let pending: SweepResult[] = [];
  let unsavedChange = false;
  // The publisher wants a write of its own (the hour's first history sample, a transition not yet claimed).
  let publishDue = false;
  const publisher = options.publisher;
  let last: SweepResult | undefined;
  const site =
    options.site && !deps.dryRun
      ? options.site instanceof SiteKeeper
        ? options.site
        : new SiteKeeper(options.site, deps.logger)
      : undefined;
  const save = async (): Promise<void> => {
    const results = pending;
    try {
      const merge = unsavedChange;
      state = await store.update((fresh) => {
        const merged = results.reduce((s, r) => mergeSweep(s, r), fresh);
        return publisher ? publisher.apply(merged, merge) : merged;
      });
      if (publishDue && !merge) publisher?.countHistoryWrite();
      publisher?.written(store);
      publishDue = false;
      pending = [];
      unsavedChange = false;
    } catch (error) {
      // A state write that keeps failing (conflicts, rate limits) must not end the watch: keep the
      // sweeps and try again after the next one.
      const message = `could not save the state (${error instanceof Error ? error.message : String(error)}); keeping ${results.length} sweep(s) to save next time`;
      deps.logger.warn(message);
      deps.onEvent?.({ type: 'error', message });
    }
    lastSync = clock.now();
  };
  while (!options.signal?.aborted && clock.now() < end) {
    const started = clock.now();
    const result = await sweep(deps, state, { mode: options.mode });
    last = result;
    state = result.state;
    // Bounded: after 100 failed saves in a row only the newest sweeps are kept (each carries the full records).
    pending = [...pending, result].slice(-100);
    if (result.changed) unsavedChange = true;
    publisher?.observe(result);
    if (publisher?.wantsWrite(state)) publishDue = true;
    const due = clock.now() - lastSync >= STATE_REFRESH_MS;
    if (unsavedChange || publishDue || (persist === 'always' && due)) {
      await save();
    } else if (due) {
      // Nothing to write: still pick up what others (the bot's /mode, /pause) wrote meanwhile.
      // A failed read is said (log + event, so the dashboard and summary show it); /mode and /pause apply
      // again from the next read that succeeds.
      const fresh = await store.read().catch((error: unknown) => {
        const message = `could not read the state (${error instanceof Error ? error.message : String(error)}); /mode and /pause from others apply once it reads again`;
        deps.logger.warn(message);
        deps.onEvent?.({ type: 'error', message });
        return undefined;
      });
      if (fresh) state = pending.reduce((s, r) => mergeSweep(s, r), fresh);
      if (persist === 'changes') pending = [];
      lastSync = clock.now();
    }
    // After the write (never racing it on the state branch), at most once an hour.
    await site?.keep(deps.config, state, clock.now());
    await options.onSweep?.(result);
    const wait = Math.min(started + result.tuning.healthCheckInterval, end) - clock.now();
    if (wait > 0 && !options.signal?.aborted) await clock.sleep(wait, options.signal);
  }
  if (pending.length > 0 && (unsavedChange || publishDue || persist === 'always')) await save();
  return last;
}

import type { Mode } from '../config/presets.js';
import type { StateStore } from '../state/types.js';
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
  let dirty = false;
  let last: SweepResult | undefined;
  while (!options.signal?.aborted && clock.now() < end) {
    const started = clock.now();
    const result = await sweep(deps, state, { mode: options.mode });
    last = result;
    state = result.state;
    dirty = true;
    const due = clock.now() - lastSync >= STATE_REFRESH_MS;
    if (result.changed || (persist === 'always' && due)) {
      state = await store.update((fresh) => mergeSweep(fresh, result));
      lastSync = clock.now();
      dirty = false;
    } else if (due) {
      // Nothing to write: still pick up what others (the bot's /mode, /pause) wrote meanwhile.
      const fresh = await store.read();
      state = { ...mergeSweep(fresh, result) };
      lastSync = clock.now();
    }
    await options.onSweep?.(result);
    const wait = Math.min(started + result.tuning.healthCheckInterval, end) - clock.now();
    if (wait > 0 && !options.signal?.aborted) await clock.sleep(wait, options.signal);
  }
  if (last && dirty && persist === 'always') await store.update((fresh) => mergeSweep(fresh, last!));
  return last;
}

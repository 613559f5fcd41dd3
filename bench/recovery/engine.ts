/** The engine loop of the recovery section: the product's real `sweep` every 5 s in virtual time, probes answered by a world. */
import type { ServiceConfig } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import type { EngineDeps } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { emptyState } from '../../src/state/records.js';
import type { virtualClock } from '../../test/helpers/clock.js';
import type { Answer } from './worlds.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const START = Date.UTC(2026, 0, 1);
export const INTERVAL = 5000;

export function probeOf(
  answer: (id: string, t: number) => Answer,
  clock: { now(): number; sleep(ms: number): Promise<void> },
) {
  return async (service: ServiceConfig, options?: { confirm?: boolean }): Promise<ProbeResult> => {
    const at = clock.now();
    const a = answer(service.id, at);
    // The answer takes its time (a confirm re-probe is a later request, not the same one).
    await clock.sleep(a.responseMs);
    const base = {
      service: service.id,
      at,
      responseMs: a.responseMs,
      ...(options?.confirm ? { confirm: true } : {}),
    };
    return a.ok
      ? { ...base, ok: true, kind: 'ok', status: 200 }
      : { ...base, ok: false, kind: 'status', status: 503, error: 'HTTP 503' };
  };
}

/** Sweeps every INTERVAL from `start` to `end` (a sweep that took longer starts the next one late). */
export async function run(
  deps: EngineDeps,
  clock: ReturnType<typeof virtualClock>,
  end: number,
): Promise<number> {
  let state = emptyState();
  let sweeps = 0;
  for (let next = clock.now(); next < end; next += INTERVAL) {
    if (clock.now() < next) clock.set(next);
    state = (await sweep(deps, state)).state;
    sweeps++;
  }
  return sweeps;
}

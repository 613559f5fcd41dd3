import { syncIncidentLog } from './incidents.js';
import { hourStart, pruneHistory, recordSample, type Sample } from './record.js';
import { historyOf, type StateWithHistory } from './state.js';
import type { EngineEvent } from '../outcome/types.js';

/** The samples of a sweep's `check` events, per service (confirm re-probes included: they are real checks). */
export function samplesFromEvents(events: EngineEvent[]): Record<string, Sample[]> {
  const out: Record<string, Sample[]> = {};
  for (const e of events) {
    if (e.type !== 'check') continue;
    (out[e.service] ??= []).push({
      ok: e.result.ok,
      responseMs: e.result.ok ? e.result.responseMs : undefined,
    });
  }
  return out;
}

/**
 * Books a sweep into the state's history: a sample per service (only on the first run of each hour unless
 * `merge`), the incident log in step with `state.incidents`, and pruning (retention, services no longer
 * configured). Returns the **same** state object when nothing changed, so the caller writes only when
 * `recordSweep(...) !== state`: a healthy repository then costs at most 24 extra writes a day.
 * Pass `merge: true` when the state is written anyway (a transition): the sample joins the current hour.
 */
export function recordSweep<S extends StateWithHistory>(
  state: S,
  samples: Record<string, Sample[]>,
  now: number,
  options: { merge?: boolean; services?: Iterable<string> } = {},
): S {
  const before = historyOf(state);
  let history = before;
  for (const [service, list] of Object.entries(samples)) {
    history = recordSample(history, service, list, now, { merge: options.merge });
  }
  history = syncIncidentLog(history, state.incidents, now);
  if (history !== before) history = pruneHistory(history, now, options.services);
  if (history === before && state.history !== undefined) return state;
  return { ...state, history };
}

/**
 * Whether {@link recordSweep} without `merge` would change `state` (a service's first sample of the hour, the
 * incident log out of step), without building the buckets: asked after every sweep, and a watch whose writes
 * keep failing holds thousands of samples.
 */
export function historyWantsWrite<S extends StateWithHistory>(
  state: S,
  samples: Record<string, Sample[]>,
  now: number,
): boolean {
  if (state.history === undefined) return true;
  const history = state.history;
  const hour = hourStart(now);
  for (const [service, list] of Object.entries(samples)) {
    if (list.length === 0) continue;
    const hourly = Object.hasOwn(history.services, service) ? history.services[service].hourly : [];
    if (hourly.at(-1)?.t !== hour) return true;
  }
  return syncIncidentLog(history, state.incidents, now) !== history;
}

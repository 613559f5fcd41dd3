import { syncIncidentLog } from './incidents.js';
import { pruneHistory, recordSample, type Sample } from './record.js';
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

import type { UptimeState } from '../state/types.js';
import { emptyHistory, type History } from '../state/history-schema.js';

/**
 * The state with the parts the history and the notifications add. The engine adds these optional fields to `UptimeState` (and
 * `historySchema` / `notifiedSchema` to its validation); until then they ride along in the JSON untouched
 * (`parseState` keeps unknown top-level keys).
 */
export type StateWithHistory = UptimeState & {
  /** Response-time history and the incident log (src/history). */
  history?: History;
  /** Ids of notifications already claimed (src/notify/once.ts), newest last, bounded. */
  notified?: string[];
};

/** The state's history, or an empty one. */
export function historyOf(state: StateWithHistory): History {
  return state.history ?? emptyHistory();
}

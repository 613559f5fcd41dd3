import type { StateWithHistory } from '../history/state.js';
import type { NotificationEvent } from '../state/types.js';

/** Notification ids remembered (far more than one sweep's transitions; older ones can't recur). */
export const MAX_NOTIFIED = 500;

/** The events whose id is not yet recorded in `state.notified`. Pure. */
export function pendingNotifications<S extends StateWithHistory>(
  state: S,
  events: NotificationEvent[],
): NotificationEvent[] {
  const sent = new Set(state.notified ?? []);
  const seen = new Set<string>();
  return events.filter((e) => {
    if (sent.has(e.id) || seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
}

/**
 * Records `ids` as sent (newest last, the newest `MAX_NOTIFIED` kept). Pure; returns a new state.
 * Exactly once across concurrent runs: claim inside the store's compare-and-swap update, then send only what
 * this run claimed:
 *
 * ```ts
 * let mine: NotificationEvent[] = [];
 * await store.update((fresh) => {
 *   mine = pendingNotifications(fresh, events); // re-run on a conflict, against the other run's write
 *   return markSent(fresh, mine.map((e) => e.id));
 * });
 * void sendNotifications(targets, mine, options); // not awaited before recovery
 * ```
 */
export function markSent<S extends StateWithHistory>(state: S, ids: string[]): S {
  if (ids.length === 0) return state;
  const known = new Set(state.notified ?? []);
  const added = ids.filter((id) => !known.has(id));
  if (added.length === 0) return state;
  return { ...state, notified: [...(state.notified ?? []), ...added].slice(-MAX_NOTIFIED) };
}

/**
 * Claims the pending events inside a compare-and-swap update (the engine's own write, so no extra one):
 * returns the state with their ids recorded and the events this writer now owns. If the store re-runs the
 * change after a conflict, the last call's `claimed` is the one that was written.
 */
export function claimNotifications<S extends StateWithHistory>(
  state: S,
  events: NotificationEvent[],
): { state: S; claimed: NotificationEvent[] } {
  const claimed = pendingNotifications(state, events);
  return {
    state: markSent(
      state,
      claimed.map((e) => e.id),
    ),
    claimed,
  };
}

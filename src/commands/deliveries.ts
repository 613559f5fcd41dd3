import type { UptimeState } from '../state/types.js';

/**
 * Webhook deliveries already handled, remembered in the repository's state (`state.deliveries`: id → when),
 * so a signed `/restart` replayed after a bot restart, or after thousands of other deliveries pushed it out of
 * the receiver's in-memory set, runs once. Bounded by age (GitHub redelivers for a few days) and by count.
 */

/** A delivery id is remembered this long (ms): longer than GitHub keeps deliveries to redeliver. */
export const DELIVERY_MEMORY_MS = 7 * 86_400_000;
/** Delivery ids remembered per repository at most (the newest). */
export const MAX_DELIVERIES = 2000;

/**
 * Records `id` as handled at `now`, forgetting ids past {@link DELIVERY_MEMORY_MS}. Pure; `seen` says the id
 * was already there (a replay: do nothing).
 */
export function rememberDelivery(
  state: UptimeState,
  id: string,
  now: number,
): { state: UptimeState; seen: boolean } {
  const known = state.deliveries ?? {};
  const at = Object.hasOwn(known, id) ? known[id] : undefined;
  if (at !== undefined && at > now - DELIVERY_MEMORY_MS) return { state, seen: true };
  const kept = Object.entries(known)
    .filter(
      ([other, when]) => other !== id && when > now - DELIVERY_MEMORY_MS && when <= now + DELIVERY_MEMORY_MS,
    )
    .sort((a, b) => a[1] - b[1])
    .slice(-(MAX_DELIVERIES - 1));
  return { state: { ...state, deliveries: Object.fromEntries([...kept, [id, now]]) }, seen: false };
}

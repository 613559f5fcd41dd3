import type { IncidentRef } from '../state/types.js';
import type { History, IncidentEntry } from '../state/history-schema.js';

/** Incidents kept for the status page. */
export const MAX_INCIDENTS = 100;

/**
 * Keeps the incident log in step with the state's open incidents: a newly open one is added, one no longer
 * open gets `closedAt = now`. Call it whenever the state is written (it changes only when incidents did, so
 * it adds no write). Returns the same object when nothing changed.
 */
export function syncIncidentLog(history: History, open: Record<string, IncidentRef>, now: number): History {
  let changed = false;
  const openKeys = new Set(Object.entries(open).map(([service, ref]) => `${service}#${ref.number}`));
  const incidents: IncidentEntry[] = history.incidents.map((entry) => {
    if (entry.closedAt === undefined && !openKeys.has(`${entry.service}#${entry.number}`)) {
      changed = true;
      return { ...entry, closedAt: now };
    }
    return entry;
  });
  for (const [service, ref] of Object.entries(open)) {
    if (incidents.some((e) => e.service === service && e.number === ref.number)) continue;
    changed = true;
    const entry: IncidentEntry = { service, number: ref.number, kind: ref.kind, openedAt: ref.openedAt };
    if (ref.url) entry.url = ref.url;
    incidents.push(entry);
  }
  if (!changed) return history;
  return { ...history, incidents: incidents.sort((a, b) => a.openedAt - b.openedAt).slice(-MAX_INCIDENTS) };
}

import type { ServiceConfig } from '../config/schema.js';
import type { IncidentLog } from '../incidents/types.js';
import { emptyRecord } from '../state/records.js';
import type { IncidentRef, UptimeState } from '../state/types.js';
import type { Logger } from '../util/logger.js';

/**
 * An incident issue is opened before the state that records it is written. When that write never lands (GitHub
 * failed for the rest of the run), the issue is open and the state knows nothing of it: without this, the next
 * run sees the service healthy and the issue stays open for ever. So a run reads the open incidents once at its
 * start and takes in those its state doesn't know. Pure but for the one read.
 */
export async function adoptOpenIncidents(
  state: UptimeState,
  services: readonly ServiceConfig[],
  log: IncidentLog,
  logger: Logger,
): Promise<UptimeState> {
  let open: Record<string, IncidentRef>;
  try {
    open = await log.openIncidents(services);
  } catch (error) {
    // The state's own record still rules; the issue is found again by the next run.
    logger.warn(error instanceof Error ? error.message : String(error));
    return state;
  }
  return adoptIncidents(state, open);
}

/**
 * `state` with each open incident it doesn't record taken in. The service's last known status becomes the
 * incident's (down or degraded, since it opened) unless the state saw it failing later, so the next healthy
 * check is a recovery and closes the issue, and a failing one carries on the incident instead of opening one.
 */
export function adoptIncidents(state: UptimeState, open: Record<string, IncidentRef>): UptimeState {
  // An issue whose creation time can't be read (an answer GitHub would not give) is left to the next run: its
  // time would be refused by the state's schema.
  const orphans = Object.entries(open).filter(
    ([id, ref]) => !Object.hasOwn(state.incidents, id) && Number.isFinite(ref.openedAt),
  );
  if (orphans.length === 0) return state;
  const services = { ...state.services };
  const incidents = { ...state.incidents };
  for (const [id, ref] of orphans) {
    incidents[id] = ref;
    const record = Object.hasOwn(services, id) ? services[id] : emptyRecord(ref.openedAt);
    const { status } = record.health;
    const healthy = status === 'unknown' || status === 'up' || status === 'slow';
    services[id] = healthy
      ? {
          ...record,
          health: {
            ...record.health,
            status: ref.kind,
            since: ref.openedAt,
            consecutiveSuccesses: 0,
            lastError: record.health.lastError ?? `incident #${ref.number} was open`,
          },
        }
      : record;
  }
  return { ...state, services, incidents };
}

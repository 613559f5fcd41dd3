import type { Config } from '../config/schema.js';
import type { NotificationEvent, UptimeState } from '../state/types.js';
import type { Transition } from '../config/notify.js';
import type { EngineEvent } from '../outcome/types.js';

/**
 * The id of a transition: service, transition, and what pins the episode: the incident number when there is
 * one (two concurrent runs share it), else the start of the outage (or of the degraded status).
 */
export function notificationId(
  service: string,
  transition: Transition | 'test',
  anchor: string | number,
): string {
  return `${service}:${transition}:${anchor}`;
}

/**
 * Turns a sweep's engine events into notification events, given the state after the sweep. Pure.
 * `status` to down/degraded, `escalated`, and `status` from down/degraded back to up/slow (resolved).
 */
export function notificationEvents(
  events: EngineEvent[],
  state: UptimeState,
  config: Config,
): NotificationEvent[] {
  const incidents: IncidentsOfSweep = { opened: new Map(), resolved: new Map() };
  for (const e of events) {
    if (e.type === 'incident-opened') incidents.opened.set(e.service, { number: e.number, url: e.url });
    if (e.type === 'incident-resolved')
      incidents.resolved.set(e.service, { number: e.number, durationMs: e.durationMs });
  }
  return events.flatMap((e) => notificationOf(e, state, config, incidents) ?? []);
}

/** The incidents a sweep opened and resolved, per service. */
interface IncidentsOfSweep {
  opened: Map<string, { number: number; url?: string }>;
  resolved: Map<string, { number: number; durationMs: number }>;
}

/** The notification one engine event makes, if any. */
function notificationOf(
  e: EngineEvent,
  state: UptimeState,
  config: Config,
  incidents: IncidentsOfSweep,
): NotificationEvent | undefined {
  const name = config.services[e.service ?? '']?.name ?? e.service ?? '';
  const open = e.service ? (incidents.opened.get(e.service) ?? openIncident(state, e.service)) : undefined;
  const base = { service: e.service ?? '', serviceName: name };
  if (e.type === 'status' && (e.to === 'down' || e.to === 'degraded')) {
    const anchor = open ? `#${open.number}` : episodeStart(state, e.service, e.at);
    const id = notificationId(e.service, e.to, anchor);
    return { ...base, id, transition: e.to, at: e.at, reason: e.reason, incident: open };
  }
  if (e.type === 'escalated') {
    const anchor = open ? `#${open.number}` : episodeStart(state, e.service, e.at);
    const id = notificationId(e.service, 'escalated', anchor);
    return { ...base, id, transition: 'escalated', at: e.at, reason: e.reason, incident: open };
  }
  if (e.type === 'burn') {
    const marked = state.services[e.service]?.burnAlerts?.[e.kind] ?? e.at;
    const id = notificationId(e.service, 'burn', `${e.kind}@${marked}`);
    return { ...base, id, transition: 'burn', at: e.at, reason: e.reason, incident: open };
  }
  if (
    e.type === 'status' &&
    (e.from === 'down' || e.from === 'degraded') &&
    (e.to === 'up' || e.to === 'slow')
  ) {
    const closed = incidents.resolved.get(e.service);
    const outage = lastOutage(state, e.service);
    const anchor = closed ? `#${closed.number}` : (outage?.start ?? e.at);
    return {
      ...base,
      id: notificationId(e.service, 'resolved', anchor),
      transition: 'resolved',
      at: e.at,
      reason: e.reason,
      incident: closed ? { number: closed.number } : undefined,
      durationMs: closed?.durationMs ?? (outage ? e.at - outage.start : undefined),
    };
  }
  return undefined;
}

function openIncident(state: UptimeState, service: string): { number: number; url?: string } | undefined {
  const ref = state.incidents[service];
  return ref ? { number: ref.number, url: ref.url } : undefined;
}

function lastOutage(state: UptimeState, service: string) {
  const outages = state.services[service]?.outages ?? [];
  return outages[outages.length - 1];
}

function episodeStart(state: UptimeState, service: string, at: number): number {
  const outage = lastOutage(state, service);
  if (outage && outage.end === undefined) return outage.start;
  return state.services[service]?.health.since ?? at;
}

import type { ServiceConfig } from '../config/schema.js';
import type { HealthStatus } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import { openedBody } from './timeline.js';
import type { IncidentAction } from './types.js';

/** Why an incident would open: a transition the config wants one for, a recovery attempt, an escalation. */
export interface IncidentCause {
  service: ServiceConfig;
  /** The service's status now (`down` opens a down incident; anything else a degraded one). */
  status: HealthStatus;
  /** The answer that showed it, when a probe did. */
  probe?: ProbeResult;
  reason: string;
  at: number;
}

/**
 * The one place that decides when an incident opens: when something worth an incident happened (the
 * service went down, or degraded with `incidentOnDegraded`; a recovery was attempted; people were called)
 * and none is open or already planned for the service. Pure. See docs/architecture.md ("Incidents").
 */
export function openIncidentIfNone(hasIncident: boolean, cause: IncidentCause): IncidentAction[] {
  if (hasIncident) return [];
  const kind = cause.status === 'down' ? 'down' : 'degraded';
  return [
    {
      type: 'open',
      service: cause.service.id,
      kind,
      at: cause.at,
      body: openedBody(cause.service, kind, cause.probe, cause.reason, cause.at),
    },
  ];
}

/** The service has an incident open (recorded in the plan's state) or one the plan already opens. */
export function hasIncident(
  plan: { state: { incidents: Record<string, unknown> }; incidents: IncidentAction[] },
  id: string,
): boolean {
  return (
    Object.hasOwn(plan.state.incidents, id) ||
    plan.incidents.some((a) => a.type === 'open' && a.service === id)
  );
}

/** Whether a transition is worth an incident: down, or degraded when the config asks for those. */
export function wantsIncident(to: HealthStatus, incidentOnDegraded: boolean | undefined): boolean {
  return to === 'down' || (to === 'degraded' && incidentOnDegraded === true);
}

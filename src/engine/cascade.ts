import type { Config, ServiceConfig } from '../config/schema.js';
import {
  failingDependency,
  isFailing,
  reconnectGraceMs,
  recentlyRecovered,
} from '../recovery/dependencies.js';
import type { ServiceRecord, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { neutralize } from '../util/redact.js';
import type { SweepPlan } from './plan.js';
import { hasIncident, openIncidentIfNone } from './incident-rule.js';

/**
 * The cascade step of a sweep's plan (`dependsOn`, docs/recovery.md); the decisions about the graph are in
 * src/recovery/dependencies.ts.
 */

const recordIn = (state: UptimeState, id: string): ServiceRecord | undefined =>
  Object.hasOwn(state.services, id) ? state.services[id] : undefined;

/**
 * The cascade step of a sweep's plan (after the checks, before recovery): for each failing service whose
 * dependency fails, its incident becomes a line on the dependency's incident, its `down` notification says
 * why, and it is held (returned) so the planner gives it no ladder step. A dependent still down after its
 * dependency came back gets its own incident. Mutates `plan` (its state, incidents, events, notifications).
 */
export function planCascade(plan: SweepPlan, config: Config, services: ServiceConfig[]): Set<string> {
  const held = new Set<string>();
  const { state, now } = plan;
  const grace = reconnectGraceMs(plan.tuning.healthCheckInterval);
  for (const service of services) {
    const id = service.id;
    const record = recordIn(state, id);
    if (!record || !plan.services[id] || plan.services[id].status === 'paused') continue;
    const root = isFailing(record) ? failingDependency(config, state, id, now) : undefined;
    if (root) {
      held.add(id);
      holdDependent(plan, config, service, record, root);
      continue;
    }
    if (record.causedBy === undefined) continue;
    if (!isFailing(record)) {
      // Came back with its dependency: nothing of its own to recover.
      state.services[id] = { ...record, causedBy: undefined };
      plan.changed = true;
      continue;
    }
    const back = recentlyRecovered(config, state, service, now, grace);
    if (back) {
      held.add(id);
      plan.events.push({
        type: 'waiting',
        service: id,
        reason: `${service.name} is still failing; ${config.services[back].name} came back ${formatDuration(now - recordIn(state, back)!.health.since)} ago, giving it ${formatDuration(grace)} to reconnect`,
        nextAttemptAt: recordIn(state, back)!.health.since + grace,
      });
      continue;
    }
    ownIncident(plan, config, service, record);
  }
  return held;
}

function holdDependent(
  plan: SweepPlan,
  config: Config,
  service: ServiceConfig,
  record: ServiceRecord,
  root: string,
) {
  const { state, now } = plan;
  const id = service.id;
  const rootName = config.services[root].name;
  const rootRecord = recordIn(state, root)!;
  const because = `failing because ${rootName} is ${rootRecord.health.status === 'down' ? 'down' : 'failing'}`;
  if (record.causedBy !== root) {
    state.services[id] = { ...record, causedBy: root };
    plan.changed = true;
  }
  plan.services[id] = { ...plan.services[id], causedBy: root };
  moveIncidentToRoot(plan, config, service, record, root, because);
  // What people are told says why (the notify targets read the status events).
  const why = (reason: string) => (reason.includes(because) ? reason : `${reason} (${because})`);
  plan.events = plan.events.map((e) =>
    e.type === 'status' && e.service === id && (e.to === 'down' || e.to === 'degraded')
      ? { ...e, reason: why(e.reason) }
      : e,
  );
  plan.events.push({
    type: 'waiting',
    service: id,
    reason: `${service.name} is ${because}: its recovery waits for ${rootName}'s`,
    nextAttemptAt: now + plan.tuning.healthCheckInterval,
  });
}

/** The dependent's own incident becomes a line on the dependency's (one incident for the cascade). */
function moveIncidentToRoot(
  plan: SweepPlan,
  config: Config,
  service: ServiceConfig,
  record: ServiceRecord,
  root: string,
  because: string,
) {
  const { state, now } = plan;
  const id = service.id;
  const rootName = config.services[root].name;
  const rootRecord = recordIn(state, root)!;
  if (!plan.incidents.some((a) => a.service === id && a.type === 'open')) return;
  plan.incidents = plan.incidents.filter((a) => !(a.service === id && a.type === 'open'));
  plan.incidents.push(
    ...openIncidentIfNone(hasIncident(plan, root), {
      service: config.services[root],
      status: rootRecord.health.status === 'down' ? 'down' : 'degraded',
      reason: `${rootName} is failing (${rootRecord.health.lastError ?? 'failed checks'}) and services that depend on it are down`,
      at: now,
    }),
  );
  plan.incidents.push({
    type: 'comment',
    service: root,
    body: `🔗 **${service.name}** (\`${id}\`) is ${because} (its own check: ${neutralize(record.health.lastError ?? 'failed')}). Its recovery waits for ${rootName}'s; it gets its own incident only if it stays down after ${rootName} is back.`,
  });
}

function ownIncident(plan: SweepPlan, config: Config, service: ServiceConfig, record: ServiceRecord) {
  const { state, now } = plan;
  const id = service.id;
  const was = record.causedBy!;
  state.services[id] = { ...record, causedBy: undefined };
  plan.changed = true;
  plan.incidents.push(
    ...openIncidentIfNone(hasIncident(plan, id), {
      service,
      // Still failing though not called down yet is a down incident: its own recovery starts now.
      status: record.health.status === 'degraded' ? 'degraded' : 'down',
      reason: `${service.name} is still failing (${record.health.lastError ?? 'failed checks'}) after ${config.services[was]?.name ?? was} came back: its own recovery starts`,
      at: now,
    }),
  );
}

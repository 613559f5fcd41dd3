import type { Mode, Tuning } from '../config/presets.js';
import type { Config, ServiceConfig } from '../config/schema.js';
import { observe } from '../monitor/machine.js';
import type { HealthStatus, ServiceHealth } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import { nextAction } from '../recovery/planner.js';
import { planBurnAlerts, recordCheckWindows } from './burn-alerts.js';
import { planCascade } from './cascade.js';
import { emptyRecord, pruneState, recordCheck } from '../state/records.js';
import type { ServiceRecord, UptimeState } from '../state/types.js';
import { hasIncident, openIncidentIfNone, wantsIncident } from './incident-rule.js';
import { escalationComment, resolvedComment, statusComment } from './timeline.js';
import type { IncidentAction } from './types.js';
import type { EngineEvent, PlanItem, ServiceOutcome } from '../outcome/types.js';

/** What the probes answered for one service: the first answer and, when it asked for one, the confirm re-probe. */
export interface ServiceObservation {
  first: ProbeResult;
  /** The confirm re-probe (`confirm: true`), when the first answer reached `maxConsecutiveFailures`. */
  confirm?: ProbeResult;
}

/** A restart, redeploy or rollback the plan asks for (a rollback runs only after a recent deploy: execute.ts). */
export type RecoveryStep = PlanItem & { action: 'restart' | 'redeploy' | 'rollback' };

/** Every decision of one sweep, as plain data; `executePlan` carries it out. */
export interface SweepPlan {
  now: number;
  mode: Mode;
  tuning: Tuning;
  /** The state after the checks, transitions and escalation marks (before any I/O). */
  state: UptimeState;
  /** Per service, before recovery. */
  services: Record<string, ServiceOutcome>;
  /** check, status, skipped, waiting and escalated events, in order. */
  events: EngineEvent[];
  /** Incident changes, in order (open before comment). */
  incidents: IncidentAction[];
  /** Recoveries to run (not in dry-run). */
  recoveries: RecoveryStep[];
  /** Something worth writing happened in the planning itself. */
  changed: boolean;
}

/** The inputs of {@link planSweep}: plain values only. */
export interface PlanInput {
  config: Config;
  state: UptimeState;
  /** Per service id; a missing id was not probed (paused or not selected). */
  observations: ReadonlyMap<string, ServiceObservation>;
  now: number;
  mode: Mode;
  tuning: Tuning;
  /** Services this sweep covers (all when omitted). */
  only?: string[];
  /** How far apart runs are started (EngineDeps.runIntervalMs): gaps up to 1.5 × this count as watched. */
  runIntervalMs?: number;
}

/**
 * The longest gap between two saved checks that still counts as watched time (see EngineDeps.runIntervalMs).
 * Runs on a schedule: 1.5 × the interval, or the interval plus an hour, whichever is longer, because a healthy
 * run saves nothing and the state is written at least hourly (the history), so the saved check before this
 * one may be an hour old although every run in between checked.
 */
function maxWatchedGapMs(tuning: Tuning, runIntervalMs?: number): number {
  const watch = tuning.healthCheckInterval * 3;
  if (!runIntervalMs) return watch;
  return Math.max(watch, runIntervalMs * 1.5, runIntervalMs + 3_600_000);
}

/** Whether a maintenance window covers the service now. */
export function isPaused(state: UptimeState, service: string, now: number): boolean {
  const pause = Object.hasOwn(state.pauses, service) ? state.pauses[service] : undefined;
  return pause !== undefined && (pause.until === undefined || pause.until > now);
}

/** The record kept for a service, looked up by own property only (a service named `constructor` is just a name). */
export function recordOf(state: UptimeState, id: string): ServiceRecord | undefined {
  return Object.hasOwn(state.services, id) ? state.services[id] : undefined;
}

/** What is worth persisting about health: a healthy service checked again changes nothing. */
function significant(h: ServiceHealth): string {
  const status: HealthStatus = h.status === 'unknown' ? 'up' : h.status;
  return `${status}|${h.consecutiveFailures}|${h.degradingStreak}`;
}

/** The services a sweep covers, in config order. */
export function sweptServices(config: Config, only?: string[]): ServiceConfig[] {
  return Object.values(config.services).filter((s) => !only || only.includes(s.id));
}

/**
 * The whole decision of a sweep, pure: (state, what the probes answered, now, tuning) → the next health of
 * every service, its incident changes, the recoveries to run and the escalations. Its events (transitions,
 * escalations) are what the notify targets are told (src/notify/events.ts), once the incidents are written.
 * No I/O, no clock, no randomness: the same inputs give the same plan.
 */
export function planSweep(input: PlanInput): SweepPlan {
  const { config, now, tuning } = input;
  const state = pruneState(structuredClone(input.state), now);
  const plan: SweepPlan = {
    now,
    mode: input.mode,
    tuning,
    state,
    services: {},
    events: [],
    incidents: [],
    recoveries: [],
    changed: Object.keys(input.state.pauses).length !== Object.keys(state.pauses).length,
  };
  const services = sweptServices(config, input.only);
  for (const service of services) planCheck(plan, input, service);
  // Dependencies hold their dependents' recovery; burn-rate alerts (docs/recovery.md).
  const heldByDependency = planCascade(plan, config, services);
  planBurnAlerts(plan, config, services);
  for (const service of services) if (!heldByDependency.has(service.id)) planRecovery(plan, config, service);
  return plan;
}

function planCheck(plan: SweepPlan, input: PlanInput, service: ServiceConfig): void {
  const { state, now, tuning } = plan;
  const id = service.id;
  const seen = input.observations.get(id);
  plan.services[id] = {
    service: id,
    name: service.name,
    status: 'paused',
    planned: [],
    attempts: [],
    recovered: false,
  };
  if (planUnchecked(plan, service, seen)) return;
  if (!seen || isPaused(state, id, now)) {
    plan.events.push({
      type: 'skipped',
      service: id,
      reason: `${service.name} is paused (maintenance window)`,
    });
    return;
  }
  const before = recordOf(state, id) ?? emptyRecord(now);
  let obs = observe(before.health, seen.first, tuning);
  let final = seen.first;
  if (obs.needsConfirm && seen.confirm) {
    final = { ...seen.confirm, confirm: true };
    obs = observe(obs.health, final, tuning);
  }
  let record = recordCheck(before, seen.first, obs.health, {
    slowThresholdMs: tuning.slowResponseThreshold,
    maxGapMs: maxWatchedGapMs(tuning, input.runIntervalMs),
  });
  record = recordCheckWindows(record, seen.first, input.config, service);
  if (significant(before.health) !== significant(record.health)) plan.changed = true;
  plan.events.push({ type: 'check', service: id, result: final, health: record.health });
  const transition = obs.transition;
  if (transition) {
    plan.events.push({ type: 'status', service: id, ...transition, at: final.at });
    if (transition.to === 'up' || transition.to === 'slow')
      record = { ...record, ladderStep: 0, escalatedAt: undefined };
    planTransition(plan, input.config, service, before, final, transition);
  }
  state.services[id] = record;
  plan.services[id] = {
    ...plan.services[id],
    status: outcomeStatus(record.health, final),
    responseMs: final.ok ? final.responseMs : undefined,
    error: final.ok ? undefined : final.error,
  };
}

/**
 * The monitor could not make the probe (out of sockets): nothing is known of the service, nothing changes;
 * it is reported `unchecked`. Returns whether that was the case.
 */
function planUnchecked(
  plan: SweepPlan,
  service: ServiceConfig,
  seen: ServiceObservation | undefined,
): boolean {
  const { state, now } = plan;
  const id = service.id;
  const unprobed = seen?.first.local ? seen.first : seen?.confirm?.local ? seen.confirm : undefined;
  if (!unprobed || isPaused(state, id, now)) return false;
  const health = (recordOf(state, id) ?? emptyRecord(now)).health;
  plan.events.push({
    type: 'skipped',
    service: id,
    reason: `${service.name} was not checked this time: ${unprobed.error ?? 'the monitor could not probe it'}`,
  });
  plan.services[id] = { ...plan.services[id], status: health.status, error: unprobed.error, unchecked: true };
  return true;
}

/**
 * The status a run reports: a failing answer is never "up" — a service that failed its latest probe but is not
 * confirmed down yet is `degraded` (the outputs contract is up|degraded|down).
 */
export function outcomeStatus(health: ServiceHealth, latest: ProbeResult): ServiceOutcome['status'] {
  if (!latest.ok && (health.status === 'up' || health.status === 'slow' || health.status === 'unknown'))
    return 'degraded';
  return health.status === 'unknown' ? 'up' : health.status;
}

function planTransition(
  plan: SweepPlan,
  config: Config,
  service: ServiceConfig,
  before: ServiceRecord,
  probe: ProbeResult,
  transition: { from: HealthStatus; to: HealthStatus; reason: string },
): void {
  const id = service.id;
  const open = Object.hasOwn(plan.state.incidents, id) ? plan.state.incidents[id] : undefined;
  const at = probe.at;
  if (!open) {
    if (wantsIncident(transition.to, config.incidentOnDegraded))
      plan.incidents.push(
        ...openIncidentIfNone(hasIncident(plan, id), {
          service,
          status: transition.to,
          probe,
          reason: transition.reason,
          at,
        }),
      );
    return;
  }
  if (transition.to === 'up' || transition.to === 'slow') {
    // Nothing this sweep did it: the service came back on its own (a failed earlier action is not credited).
    const last = before.attempts.at(-1);
    const note =
      last && last.at >= open.openedAt && !last.healthy
        ? ` It came back on its own; the last ${last.action} did not bring it back.`
        : ' It came back on its own.';
    plan.incidents.push({
      type: 'resolve',
      service: id,
      at,
      durationMs: at - open.openedAt,
      body: resolvedComment(service, at - open.openedAt, at) + note,
      number: open.number,
    });
    return;
  }
  plan.incidents.push({
    type: 'comment',
    service: id,
    body: statusComment(service, transition.from, transition.to, transition.reason, at),
  });
}

function planRecovery(plan: SweepPlan, config: Config, service: ServiceConfig): void {
  const { state, now, tuning } = plan;
  const id = service.id;
  const record = recordOf(state, id);
  if (!record) return;
  const decision = nextAction({ service, record, tuning, now, paused: isPaused(state, id, now) });
  if (decision.kind === 'wait')
    plan.events.push({
      type: 'waiting',
      service: id,
      reason: decision.reason,
      nextAttemptAt: decision.nextAttemptAt,
    });
  if (decision.kind === 'recovering')
    plan.events.push({ type: 'skipped', service: id, reason: decision.reason });
  if (decision.kind !== 'act') return;
  const item = decision.item;
  plan.services[id].planned.push(item);
  if (item.action !== 'escalate') {
    plan.recoveries.push({ ...item, action: item.action });
    return;
  }
  state.services[id] = { ...record, escalatedAt: now };
  plan.changed = true;
  plan.events.push({ type: 'escalated', service: id, reason: item.reason, at: now });
  const open = Object.hasOwn(state.incidents, id) ? state.incidents[id] : undefined;
  plan.incidents.push(
    ...openIncidentIfNone(hasIncident(plan, id), {
      service,
      status: record.health.status,
      reason: item.reason,
      at: now,
    }),
  );
  plan.incidents.push({
    type: 'comment',
    service: id,
    body: escalationComment(service, item.reason, config.assignees, open?.ackedBy),
  });
}

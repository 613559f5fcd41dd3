import { resolveTuning, type Mode, type Tuning } from '../config/presets.js';
import type { Config, RecoveryAction, ServiceConfig } from '../config/schema.js';
import { observe, recoveredHealth, type Observation } from '../monitor/machine.js';
import type { HealthStatus, ServiceHealth } from '../monitor/types.js';
import { mapBounded } from '../probe/sweep.js';
import type { ProbeResult } from '../probe/types.js';
import { executeAction, runAll } from '../recovery/executor.js';
import { nextAction } from '../recovery/planner.js';
import { emptyRecord, mergeRecord, pruneState, recordAttempt, recordCheck } from '../state/records.js';
import type { ServiceRecord, UptimeState } from '../state/types.js';
import { IncidentWriter } from './incident-writer.js';
import type { EngineDeps, EngineEvent, PlanItem, ServiceOutcome, SweepResult } from './types.js';

/** The mode in force: an explicit override (input, flag), else the one set by `/mode`, else the config's. */
export function effectiveMode(config: Config, state: UptimeState, override?: Mode): Mode {
  return override ?? state.mode ?? config.mode;
}

/** Whether a maintenance window covers the service now. */
export function isPaused(state: UptimeState, service: string, now: number): boolean {
  const pause = state.pauses[service];
  return pause !== undefined && (pause.until === undefined || pause.until > now);
}

/** What is worth persisting about health: a healthy service checked again changes nothing. */
function significant(h: ServiceHealth): string {
  const status: HealthStatus = h.status === 'unknown' ? 'up' : h.status;
  return `${status}|${h.consecutiveFailures}|${h.degradingStreak}`;
}

interface Checked {
  service: ServiceConfig;
  first: ProbeResult;
  final: ProbeResult;
  obs: Observation;
}

/**
 * One sweep: probe every service (bounded concurrency, an immediate confirm re-probe before "down"),
 * advance each state machine, keep the incident log, plan recovery and carry it out (in parallel when
 * `parallelRecovery`), verifying each service answers healthy. Returns the new state; the input is not mutated.
 */
export async function sweep(
  deps: EngineDeps,
  input: UptimeState,
  options: { mode?: Mode; only?: string[] } = {},
): Promise<SweepResult> {
  const now = deps.clock.now();
  const mode = effectiveMode(deps.config, input, options.mode);
  const tuning = resolveTuning(deps.config, mode);
  const state = pruneState(structuredClone(input), now);
  const events: EngineEvent[] = [];
  const emit = (event: EngineEvent) => {
    events.push(event);
    deps.onEvent?.(event);
  };
  let changed = Object.keys(input.pauses).length !== Object.keys(state.pauses).length;
  const services = Object.values(deps.config.services).filter(
    (s) => !options.only || options.only.includes(s.id),
  );
  const outcomes: Record<string, ServiceOutcome> = {};
  const incidents = new IncidentWriter(deps, state, emit);

  const checked = await mapBounded(
    services,
    deps.config.probeConcurrency,
    async (service): Promise<Checked | undefined> => {
      if (isPaused(state, service.id, now)) return undefined;
      const previous = state.services[service.id]?.health ?? emptyRecord(now).health;
      const first = await deps.probe(service);
      let obs = observe(previous, first, tuning);
      let final = first;
      if (obs.needsConfirm) {
        final = { ...(await deps.probe(service, { confirm: true })), confirm: true };
        obs = observe(obs.health, final, tuning);
      }
      return { service, first, final, obs };
    },
  );

  for (const [index, service] of services.entries()) {
    const check = checked[index];
    outcomes[service.id] = {
      service: service.id,
      name: service.name,
      status: 'paused',
      planned: [],
      attempts: [],
      recovered: false,
    };
    if (!check) {
      emit({
        type: 'skipped',
        service: service.id,
        reason: `${service.name} is paused (maintenance window)`,
      });
      continue;
    }
    const before = state.services[service.id] ?? emptyRecord(now);
    let record = recordCheck(before, check.first, check.obs.health, {
      slowThresholdMs: tuning.slowResponseThreshold,
      maxGapMs: tuning.healthCheckInterval * 3,
    });
    if (significant(before.health) !== significant(record.health)) changed = true;
    emit({ type: 'check', service: service.id, result: check.final, health: record.health });
    const transition = check.obs.transition;
    if (transition) {
      emit({ type: 'status', service: service.id, ...transition, at: check.final.at });
      if (transition.to === 'up' || transition.to === 'slow')
        record = { ...record, ladderStep: 0, escalatedAt: undefined };
    }
    state.services[service.id] = record;
    await incidents.afterCheck(service, record.health, check.final, transition);
    outcomes[service.id] = {
      ...outcomes[service.id],
      status: record.health.status,
      responseMs: check.final.ok ? check.final.responseMs : undefined,
      error: check.final.ok ? undefined : check.final.error,
    };
  }

  const plans = planAll(deps, state, tuning, services, now, emit);
  for (const item of plans) outcomes[item.service].planned.push(item);
  for (const item of plans.filter((p) => p.action === 'escalate')) {
    state.services[item.service] = { ...state.services[item.service], escalatedAt: now };
    emit({ type: 'escalated', service: item.service, reason: item.reason, at: now });
    await incidents.escalate(
      deps.config.services[item.service],
      item.reason,
      state.services[item.service].health,
    );
    changed = true;
  }
  const actions = plans.filter((p): p is PlanItem & { action: RecoveryAction } => p.action !== 'escalate');
  if (deps.dryRun) {
    for (const item of actions)
      emit({
        type: 'skipped',
        service: item.service,
        reason: `dry-run: would ${item.action} (${item.reason})`,
      });
  } else if (actions.length > 0) {
    changed = true;
    const done = await runAll(actions, tuning.parallelRecovery, async (item) => {
      const service = deps.config.services[item.service];
      emit({
        type: 'recovery-start',
        service: item.service,
        action: item.action,
        trigger: item.trigger,
        reason: item.reason,
        at: deps.clock.now(),
      });
      return { item, service, ...(await executeAction(deps, service, item, tuning)) };
    });
    for (const { item, service, attempt, healthyProbe } of done) {
      let record = recordAttempt(state.services[item.service], attempt);
      if (item.trigger === 'down') record = { ...record, ladderStep: record.ladderStep + 1 };
      emit({ type: 'recovery-end', service: item.service, attempt });
      outcomes[item.service].attempts.push(attempt);
      await incidents.attempt(service, attempt, record.health);
      if (healthyProbe) {
        const from = record.health.status;
        record = closeOutage(
          {
            ...record,
            health: recoveredHealth(record.health, healthyProbe.at, healthyProbe.responseMs),
            ladderStep: 0,
            escalatedAt: undefined,
          },
          healthyProbe.at,
        );
        emit({
          type: 'status',
          service: item.service,
          from,
          to: 'up',
          reason: `${attempt.action} worked`,
          at: healthyProbe.at,
        });
        outcomes[item.service] = {
          ...outcomes[item.service],
          status: 'up',
          responseMs: healthyProbe.responseMs,
          error: undefined,
          recovered: true,
        };
        await incidents.resolve(service, healthyProbe.at);
      }
      state.services[item.service] = record;
    }
  }
  if (incidents.changed) changed = true;
  for (const id of Object.keys(outcomes)) outcomes[id].incident = state.incidents[id]?.number;
  state.lastSweepAt = now;
  state.updatedAt = deps.clock.now();
  return { state, mode, tuning, services: outcomes, events, changed };
}

function planAll(
  deps: EngineDeps,
  state: UptimeState,
  tuning: Tuning,
  services: ServiceConfig[],
  now: number,
  emit: (e: EngineEvent) => void,
): PlanItem[] {
  const plans: PlanItem[] = [];
  for (const service of services) {
    const record = state.services[service.id];
    if (!record) continue;
    const decision = nextAction({ service, record, tuning, now, paused: isPaused(state, service.id, now) });
    if (decision.kind === 'wait')
      emit({
        type: 'waiting',
        service: service.id,
        reason: decision.reason,
        nextAttemptAt: decision.nextAttemptAt,
      });
    if (decision.kind === 'act') plans.push(decision.item);
  }
  return plans;
}

function closeOutage(record: ServiceRecord, at: number): ServiceRecord {
  const outages = [...record.outages];
  const last = outages[outages.length - 1];
  if (last && last.end === undefined) outages[outages.length - 1] = { ...last, end: at };
  return { ...record, outages };
}

/**
 * Re-applies a sweep on a state read again after a write conflict: the swept services' records and
 * incidents come from the sweep; mode, pauses and other services from the fresh state; an `/ack` survives.
 */
export function mergeSweep(fresh: UptimeState, result: SweepResult): UptimeState {
  const services = { ...fresh.services };
  const incidents = { ...fresh.incidents };
  const resolved = new Set(
    result.events.filter((e) => e.type === 'incident-resolved').map((e) => (e as { number: number }).number),
  );
  for (const id of Object.keys(result.services)) {
    const record = result.state.services[id];
    if (record) services[id] = mergeRecord(fresh.services[id], record);
    const mine = result.state.incidents[id];
    const theirs = fresh.incidents[id];
    if (mine)
      incidents[id] = {
        ...mine,
        ackedBy: mine.ackedBy ?? (theirs?.number === mine.number ? theirs.ackedBy : undefined),
      };
    else if (theirs && resolved.has(theirs.number)) delete incidents[id];
  }
  const known = new Set(fresh.unmonitored.map((o) => o.start));
  return {
    ...fresh,
    services,
    incidents,
    unmonitored: [...fresh.unmonitored, ...result.state.unmonitored.filter((o) => !known.has(o.start))],
    lastSweepAt: Math.max(fresh.lastSweepAt ?? 0, result.state.lastSweepAt ?? 0),
    updatedAt: Math.max(fresh.updatedAt ?? 0, result.state.updatedAt ?? 0),
  };
}

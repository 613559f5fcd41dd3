import { executeAction, runAll } from '../recovery/executor.js';
import type { IncidentRef, UptimeState } from '../state/types.js';
import { planAfterAttempt } from './after-attempt.js';
import { IncidentWriter } from './incident-writer.js';
import { recordOf, type RecoveryStep, type SweepPlan } from './plan.js';
import type { EngineDeps, EngineEvent, IncidentAction, ServiceOutcome, SweepResult } from './types.js';

/**
 * Carries out a sweep's plan: the incident actions, then the recoveries (claimed in the shared state first,
 * in parallel when `parallelRecovery`), then what follows each attempt. In dry-run nothing is written and no
 * provider is called; the planned recoveries become `skipped` events. Returns the sweep's result with the list
 * of what was written.
 */
export async function executePlan(deps: EngineDeps, plan: SweepPlan): Promise<SweepResult> {
  const state = plan.state;
  const events: EngineEvent[] = [];
  const emit = (event: EngineEvent) => {
    events.push(event);
    deps.onEvent?.(event);
  };
  for (const event of plan.events) emit(event);
  const outcomes: Record<string, ServiceOutcome> = structuredClone(plan.services);
  const notifications = [...plan.notifications];
  const writes: string[] = [];
  const writer = deps.dryRun || !deps.incidents ? undefined : new IncidentWriter(deps.incidents, deps.config);
  let changed = plan.changed;
  const apply = async (actions: IncidentAction[]) => {
    if (!writer) return;
    for (const action of actions) {
      const effect = await writer.execute(action, openIncident(state, action.service));
      if (effect.ref === null) delete state.incidents[action.service];
      else if (effect.ref) state.incidents[action.service] = effect.ref;
      if (effect.ref !== undefined) changed = true;
      if (effect.event) emit(effect.event);
      if (effect.write) writes.push(effect.write);
    }
  };
  await apply(plan.incidents);

  if (deps.dryRun) {
    for (const item of plan.recoveries)
      emit({
        type: 'skipped',
        service: item.service,
        reason: `dry-run: would ${item.action} (${item.reason})`,
      });
  } else if (plan.recoveries.length > 0) {
    const done = await runAll(plan.recoveries, plan.tuning.parallelRecovery, (step) =>
      recover(deps, step, plan, emit),
    );
    for (const { step, outcome } of done) {
      if (outcome.refused !== undefined) {
        emit({ type: 'skipped', service: step.service, reason: outcome.refused });
        continue;
      }
      changed = true;
      if (deps.store)
        writes.push(
          `claimed a ${step.action} of ${deps.config.services[step.service].name} in the shared state`,
        );
      const after = planAfterAttempt({
        config: deps.config,
        record: recordOf(state, step.service)!,
        open: openIncident(state, step.service),
        step,
        attempt: outcome.attempt,
        healthyProbe: outcome.healthyProbe,
      });
      state.services[step.service] = after.record;
      for (const event of after.events) emit(event);
      outcomes[step.service].attempts.push(outcome.attempt);
      if (after.recovered)
        outcomes[step.service] = {
          ...outcomes[step.service],
          status: 'up',
          responseMs: after.recovered.responseMs,
          error: undefined,
          recovered: true,
        };
      notifications.push(...after.notifications);
      await apply(after.incidents);
    }
  }
  for (const id of Object.keys(outcomes)) outcomes[id].incident = openIncident(state, id)?.number;
  state.lastSweepAt = plan.now;
  state.updatedAt = deps.clock.now();
  return {
    state,
    mode: plan.mode,
    tuning: plan.tuning,
    services: outcomes,
    events,
    changed,
    notifications,
    writes,
  };
}

async function recover(
  deps: EngineDeps,
  step: RecoveryStep,
  plan: SweepPlan,
  emit: (e: EngineEvent) => void,
) {
  const service = deps.config.services[step.service];
  emit({
    type: 'recovery-start',
    service: step.service,
    action: step.action,
    trigger: step.trigger,
    reason: step.reason,
    at: deps.clock.now(),
  });
  return { step, outcome: await executeAction(deps, service, step, plan.tuning) };
}

function openIncident(state: UptimeState, id: string): IncidentRef | undefined {
  return Object.hasOwn(state.incidents, id) ? state.incidents[id] : undefined;
}

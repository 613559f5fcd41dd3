import { executeAction, runAll } from '../recovery/executor.js';
import { checkDeploys } from './deploy-check.js';
import type { IncidentRef, UptimeState } from '../state/types.js';
import { planAfterAttempt } from './after-attempt.js';
import { forensicsComment, rollbackDecision, startForensics, type PendingForensics } from './forensics.js';
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
  // Forensics run beside recovery (never before it): started now, awaited only to write the incident.
  const forensics = deps.dryRun ? new Map<string, PendingForensics>() : startForensics(deps, plan);
  const withForensics = async (id: string, actions: IncidentAction[]) => {
    const comment = writer ? await forensicsComment(deps, forensics.get(id)) : undefined;
    if (!comment) return actions;
    const at = actions.findIndex((a) => a.type !== 'open');
    return at < 0 ? [...actions, comment] : [...actions.slice(0, at), comment, ...actions.slice(at)];
  };
  await apply(plan.incidents);
  // A deploy that made a service slower or erroring without taking it down (src/recovery/deploy-check.ts).
  if (await checkDeploys(deps, plan, { apply, emit, outcomes })) changed = true;

  if (deps.dryRun) {
    for (const item of plan.recoveries)
      emit({
        type: 'skipped',
        service: item.service,
        reason: `dry-run: would ${item.action} (${item.reason})`,
      });
  } else if (plan.recoveries.length > 0) {
    const done = await runAll(plan.recoveries, plan.tuning.parallelRecovery, (step) =>
      recover(deps, step, plan, emit, forensics.get(step.service)),
    );
    for (const { step, outcome, skipped } of done) {
      if (skipped !== undefined) {
        // The ladder moves past a rollback that does not apply; no budget spent.
        const record = recordOf(state, step.service)!;
        state.services[step.service] = { ...record, ladderStep: record.ladderStep + 1 };
        changed = true;
        emit({ type: 'skipped', service: step.service, reason: skipped });
        await apply(
          await withForensics(step.service, [
            { type: 'comment', service: step.service, body: `⏭️ ${skipped}.` },
          ]),
        );
        continue;
      }
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
      await apply(await withForensics(step.service, after.incidents));
    }
  }
  for (const id of forensics.keys()) {
    if (openIncident(state, id)) await apply(await withForensics(id, []));
  }
  for (const id of Object.keys(outcomes)) {
    // A dependent failing because of its dependency links the dependency's incident (src/recovery/dependencies.ts).
    const causedBy = outcomes[id].causedBy;
    outcomes[id].incident =
      openIncident(state, id)?.number ?? (causedBy ? openIncident(state, causedBy)?.number : undefined);
  }
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
  forensics: PendingForensics | undefined,
) {
  const service = deps.config.services[step.service];
  let target: string | undefined;
  if (step.action === 'rollback') {
    const decision = await rollbackDecision(deps, plan, step, forensics);
    if (!decision.take)
      return { step, skipped: decision.reason, outcome: { refused: decision.reason } as const };
    target = decision.target.id;
    step = { ...step, reason: `${step.reason}; ${decision.reason}` };
  }
  emit({
    type: 'recovery-start',
    service: step.service,
    action: step.action,
    trigger: step.trigger,
    reason: step.reason,
    at: deps.clock.now(),
  });
  const outcome = await executeAction(deps, service, { ...step, target }, plan.tuning);
  return { step, outcome, skipped: undefined };
}

function openIncident(state: UptimeState, id: string): IncidentRef | undefined {
  return Object.hasOwn(state.incidents, id) ? state.incidents[id] : undefined;
}

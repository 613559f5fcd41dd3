import { executeAction, runAll } from '../recovery/executor.js';
import { checkDeploys } from './deploy-check.js';
import type { IncidentRef, UptimeState } from '../state/types.js';
import { planAfterAttempt, planSkippedStep } from './after-attempt.js';
import {
  forensicsComment,
  rollbackDecision,
  rollbackFacts,
  startForensics,
  type PendingForensics,
} from './forensics.js';
import { IncidentWriter } from './incident-writer.js';
import { recordOf, type RecoveryStep, type SweepPlan } from './plan.js';
import type { EngineDeps, IncidentAction } from './types.js';
import type { EngineEvent, ServiceOutcome, SweepResult } from '../outcome/types.js';

/**
 * Carries out a sweep's plan: the incident actions, then the recoveries (claimed in the shared state first,
 * in parallel when `parallelRecovery`), then what follows each attempt. In dry-run nothing is written and no
 * provider is called; the planned recoveries become `skipped` events. Returns the sweep's result with the list
 * of what was written.
 */
export async function executePlan(deps: EngineDeps, plan: SweepPlan): Promise<SweepResult> {
  const run = new PlanRun(deps, plan);
  for (const event of plan.events) run.emit(event);
  await run.apply(plan.incidents);
  // A deploy that made a service slower or erroring without taking it down (src/engine/deploy-check.ts).
  if (
    await checkDeploys(deps, plan, {
      apply: (a) => run.apply(a),
      emit: (e) => run.emit(e),
      outcomes: run.outcomes,
    })
  )
    run.markChanged();
  if (deps.dryRun) {
    for (const item of plan.recoveries)
      run.emit({
        type: 'skipped',
        service: item.service,
        reason: `dry-run: would ${item.action} (${item.reason})`,
      });
  } else if (plan.recoveries.length > 0) {
    const done = await runAll(plan.recoveries, plan.tuning.parallelRecovery, (step) =>
      recover(deps, step, plan, (e) => run.emit(e), run.forensics.get(step.service)),
    );
    for (const attempt of done) await run.settle(attempt);
  }
  return run.finish();
}

/** One recovery as {@link recover} carried it out. */
type Recovered = Awaited<ReturnType<typeof recover>>;

/** The I/O side of one plan: applies incident actions and what follows each recovery, and keeps the result. */
class PlanRun {
  readonly events: EngineEvent[] = [];
  readonly writes: string[] = [];
  readonly outcomes: Record<string, ServiceOutcome>;
  readonly forensics: Map<string, PendingForensics>;
  private readonly writer?: IncidentWriter;
  private changed: boolean;

  constructor(
    private readonly deps: EngineDeps,
    private readonly plan: SweepPlan,
  ) {
    this.outcomes = structuredClone(plan.services);
    this.changed = plan.changed;
    this.writer =
      deps.dryRun || !deps.incidents ? undefined : new IncidentWriter(deps.incidents, deps.config);
    // Forensics run beside recovery (never before it): started now, awaited only to write the incident.
    this.forensics = deps.dryRun ? new Map() : startForensics(deps, plan);
  }

  markChanged(): void {
    this.changed = true;
  }

  emit(event: EngineEvent): void {
    this.events.push(event);
    this.deps.onEvent?.(event);
  }

  /** Writes the incident actions in order; the state follows what was written. */
  async apply(actions: IncidentAction[]): Promise<void> {
    if (!this.writer) return;
    const state = this.plan.state;
    for (const action of actions) {
      const effect = await this.writer.execute(action, openIncident(state, action.service));
      if (effect.ref === null) delete state.incidents[action.service];
      else if (effect.ref) state.incidents[action.service] = effect.ref;
      if (effect.ref !== undefined) this.changed = true;
      if (effect.event) this.emit(effect.event);
      if (effect.write) this.writes.push(effect.write);
    }
  }

  /** What follows one recovery: a skipped step, a refused claim, or an attempt (pure steps, then their I/O). */
  async settle({ step, outcome, skipped }: Recovered): Promise<void> {
    const state = this.plan.state;
    if (skipped !== undefined) {
      const after = planSkippedStep({ record: recordOf(state, step.service)!, step, reason: skipped });
      state.services[step.service] = after.record;
      this.changed = true;
      for (const event of after.events) this.emit(event);
      return this.apply(await this.withForensics(step.service, after.incidents));
    }
    if (outcome.refused !== undefined)
      return this.emit({ type: 'skipped', service: step.service, reason: outcome.refused });
    this.changed = true;
    if (this.deps.store)
      this.writes.push(
        `claimed a ${step.action} of ${this.deps.config.services[step.service].name} in the shared state`,
      );
    const after = planAfterAttempt({
      config: this.deps.config,
      record: recordOf(state, step.service)!,
      open: openIncident(state, step.service),
      step,
      attempt: outcome.attempt,
      healthyProbe: outcome.healthyProbe,
    });
    state.services[step.service] = after.record;
    for (const event of after.events) this.emit(event);
    const current = this.outcomes[step.service];
    current.attempts.push(outcome.attempt);
    if (after.recovered)
      this.outcomes[step.service] = {
        ...current,
        status: 'up',
        responseMs: after.recovered.responseMs,
        error: undefined,
        recovered: true,
      };
    await this.apply(await this.withForensics(step.service, after.incidents));
  }

  /** The sweep's result, once the forensics still owed to an open incident are written. */
  async finish(): Promise<SweepResult> {
    const { state } = this.plan;
    for (const id of this.forensics.keys())
      if (openIncident(state, id)) await this.apply(await this.withForensics(id, []));
    for (const id of Object.keys(this.outcomes)) {
      // A dependent failing because of its dependency links the dependency's incident (src/recovery/dependencies.ts).
      const causedBy = this.outcomes[id].causedBy;
      this.outcomes[id].incident =
        openIncident(state, id)?.number ?? (causedBy ? openIncident(state, causedBy)?.number : undefined);
    }
    state.lastSweepAt = this.plan.now;
    state.updatedAt = this.deps.clock.now();
    const { mode, tuning } = this.plan;
    return {
      state,
      mode,
      tuning,
      services: this.outcomes,
      events: this.events,
      changed: this.changed,
      writes: this.writes,
    };
  }

  /** The actions with the service's forensics comment after its opening (once per sweep). */
  private async withForensics(id: string, actions: IncidentAction[]): Promise<IncidentAction[]> {
    const comment = this.writer ? await forensicsComment(this.deps, this.forensics.get(id)) : undefined;
    if (!comment) return actions;
    const at = actions.findIndex((a) => a.type !== 'open');
    return at < 0 ? [...actions, comment] : [...actions.slice(0, at), comment, ...actions.slice(at)];
  }
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
    // The facts (the platform's deployments) are gathered first; the decision on them is pure.
    const facts = await rollbackFacts(deps, plan, step, forensics);
    const decision = rollbackDecision(deps.config, plan, step, facts);
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

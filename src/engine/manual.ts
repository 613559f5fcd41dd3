import { resolveTuning } from '../config/presets.js';
import type { RecoveryAction } from '../config/schema.js';
import { recoveredHealth } from '../monitor/machine.js';
import { executeAction } from '../recovery/executor.js';
import { budgetFor } from '../recovery/planner.js';
import { countVerifiedCheck, emptyRecord, recordAttempt } from '../state/records.js';
import type { RecoveryAttempt, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { deploymentLabel, findRollbackTarget } from './forensics.js';
import { effectiveMode, isPaused } from './sweep.js';
import type { EngineDeps } from './types.js';

export interface ManualResult {
  /** False when refused (unknown service, no recovery, paused, budget or backoff). */
  allowed: boolean;
  refusal?: string;
  /** With a budget refusal: when the next attempt is allowed (epoch ms). */
  nextAllowedAt?: number;
  /** The attempt carried out (not in dry-run). */
  attempt?: RecoveryAttempt;
  /** What was (or, in dry-run, would be) done, in one sentence. */
  plan: string;
  /** The state with the attempt applied (callers persisting concurrently should use `applyAttempt`). */
  state: UptimeState;
}

/** How each action is refused, in words: "Not rolling back API", never "Not restarting" for a rollback. */
const NOT: Record<RecoveryAction, string> = {
  restart: 'Not restarting',
  redeploy: 'Not redeploying',
  rollback: 'Not rolling back',
};

/**
 * A person's `/restart`, `/redeploy`, `/rollback` or CLI `restart`/`rollback` (a rollback names its target
 * deployment, also in dry-run): the same budget and backoff as automatic recovery (a
 * person can't start a restart storm by accident), never on a paused service, verified healthy afterwards.
 * With `force` a person goes past the budget and backoff on purpose: the attempt records who, what the
 * budget said and `reason` (RecoveryAttempt.forced), for the faces' incident entries.
 */
export async function runManualAction(
  deps: EngineDeps,
  state: UptimeState,
  serviceId: string,
  action: RecoveryAction,
  options: { by?: string; dryRun?: boolean; force?: boolean; reason?: string } = {},
): Promise<ManualResult> {
  const now = deps.clock.now();
  const service = Object.hasOwn(deps.config.services, serviceId)
    ? deps.config.services[serviceId]
    : undefined;
  const refuse = (refusal: string, nextAllowedAt?: number): ManualResult => ({
    allowed: false,
    refusal,
    nextAllowedAt,
    plan: refusal,
    state,
  });
  if (!service) {
    return refuse(
      `Unknown service "${serviceId}". Known services: ${Object.keys(deps.config.services).join(', ')}.`,
    );
  }
  const recovery = service.recovery;
  if (!recovery)
    return refuse(
      `${service.name} has no recovery configured (add services.${serviceId}.recovery to the config).`,
    );
  if (!recovery.actions.includes(action)) {
    return refuse(
      `${service.name} does not allow ${action} (its recovery actions are: ${recovery.actions.join(', ')}).`,
    );
  }
  if (isPaused(state, serviceId, now)) {
    const until = state.pauses[serviceId]?.until;
    return refuse(
      `${service.name} is paused${until ? ` until ${new Date(until).toISOString()}` : ''}; /resume ${serviceId} first.`,
    );
  }
  const tuning = resolveTuning(deps.config, effectiveMode(deps.config, state));
  const record =
    (Object.hasOwn(state.services, serviceId) ? state.services[serviceId] : undefined) ?? emptyRecord(now);
  const budget = budgetFor(record, tuning, now);
  let forced: string | undefined;
  if (budget.exhausted || budget.nextAllowedAt > now) {
    const why = budget.exhausted
      ? `the restart budget is used up (${budget.used} of ${budget.limit} recoveries in the last ${formatDuration(budget.windowMs)})`
      : `the last recovery was too recent (backoff)`;
    if (!options.force) {
      return refuse(
        `${NOT[action]} ${service.name}: ${why}. Next ${action} allowed in ${formatDuration(budget.nextAllowedAt - now)} (${new Date(budget.nextAllowedAt).toISOString()}); a person may go past it with --force.`,
        budget.nextAllowedAt,
      );
    }
    const reason = options.reason?.replace(/\s+/g, ' ').trim().slice(0, 200);
    forced = `forced past the budget: ${why}${reason ? `; reason: ${reason}` : ''}`;
  }
  let target: string | undefined;
  let what: string = action;
  if (action === 'rollback') {
    // A service whose latest check passed is never rolled back.
    if (record.health.lastCheckAt !== undefined && record.health.consecutiveSuccesses > 0)
      return refuse(`${NOT.rollback} ${service.name}: its latest check passed.`);
    // The stored check may be old: it may have recovered since. A rollback replaces a deployment, so look now.
    const now = await deps.probe(service);
    if (now.ok)
      return refuse(
        `Not rolling back ${service.name}: it answers healthy now (HTTP ${now.status ?? 'ok'} in ${now.responseMs} ms), so a rollback would replace a working deployment.`,
      );
    const found = await findRollbackTarget(deps, service, deps.provider(recovery.provider));
    if (found.from && !found.target) return refuse(`${NOT.rollback} ${service.name}: ${found.problem}.`);
    target = found.target?.id;
    what = found.target
      ? `roll back ${service.name} from deployment ${deploymentLabel(found.from!)} to deployment ${deploymentLabel(found.target)}`
      : `roll back ${service.name} to its previous deployment (${found.problem})`;
  }
  const plan = `${action === 'rollback' ? what : `${action} ${service.name}`} through ${recovery.provider}, then wait up to ${formatDuration(tuning.recoveryTimeout)} for it to answer healthy (budget: ${budget.used} of ${budget.limit} used in the last ${formatDuration(budget.windowMs)}${forced ? `; ${forced}` : ''})`;
  if (options.dryRun) return { allowed: true, plan: `Dry run: would ${plan}.`, state };
  const outcome = await executeAction(
    deps,
    service,
    {
      service: serviceId,
      action,
      trigger: 'command',
      reason: `asked by ${options.by ?? 'a person'}`,
      target,
      forced,
    },
    tuning,
    options.by,
  );
  // Another run or command claimed the budget first (checked again on the shared state).
  if (outcome.refused !== undefined) return refuse(outcome.refused);
  const { attempt, healthyProbe } = outcome;
  const next = applyAttempt(state, serviceId, attempt, healthyProbe?.responseMs, now);
  return { allowed: true, attempt, plan: `${plan[0].toUpperCase()}${plan.slice(1)}.`, state: next };
}

/** Records a manual attempt in a state (also re-applied on a freshly read state after a write conflict). */
export function applyAttempt(
  state: UptimeState,
  serviceId: string,
  attempt: RecoveryAttempt,
  responseMs?: number,
  now = attempt.at,
): UptimeState {
  const before = Object.hasOwn(state.services, serviceId) ? state.services[serviceId] : undefined;
  let record = recordAttempt(before ?? emptyRecord(now), attempt);
  if (attempt.healthy)
    record = countVerifiedCheck(
      { ...record, health: recoveredHealth(record.health, attempt.at + attempt.durationMs, responseMs) },
      responseMs,
    );
  return { ...state, services: { ...state.services, [serviceId]: record } };
}

import type { Tuning } from '../config/presets.js';
import type { RecoveryAction, ServiceConfig } from '../config/schema.js';
import type { ServiceRecord } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import type { PlanItem } from '../outcome/types.js';

/** The restart budget of one service at a moment (Kubernetes' CrashLoopBackOff, Monit's "N restarts within M cycles"). */
export interface Budget {
  /** Attempts inside the window. */
  used: number;
  limit: number;
  windowMs: number;
  /** No attempt is allowed before this (epoch ms): the budget's refill or the backoff after the last attempt. */
  nextAllowedAt: number;
  exhausted: boolean;
}

/**
 * How far ahead of this clock an attempt may be dated and still count (another runner's clock runs ahead):
 * counted as made now. One dated further ahead can't have happened (a hand-edited state, a broken clock)
 * and is ignored, so it never blocks recovery ("next allowed in 400d").
 */
export const MAX_CLOCK_SKEW_MS = 3_600_000;

/** Attempts in the window, and when the next is allowed: `restartAttemptDelay` doubling per attempt, capped. */
export function budgetFor(record: ServiceRecord, tuning: Tuning, now: number): Budget {
  const inWindow = record.attempts
    .filter((a) => a.at > now - tuning.restartWindow && a.at <= now + MAX_CLOCK_SKEW_MS)
    .map((a) => (a.at > now ? { ...a, at: now } : a));
  const used = inWindow.length;
  const exhausted = used >= tuning.restartBudget;
  let nextAllowedAt = now;
  if (exhausted) {
    // The oldest attempts must leave the window before the budget has room again.
    nextAllowedAt = inWindow[used - tuning.restartBudget].at + tuning.restartWindow;
  } else if (used > 0) {
    const last = inWindow[used - 1];
    const backoff = Math.min(tuning.maxBackoff, tuning.restartAttemptDelay * 2 ** (used - 1));
    nextAllowedAt = Math.max(now, last.at + last.durationMs + backoff);
  }
  return { used, limit: tuning.restartBudget, windowMs: tuning.restartWindow, nextAllowedAt, exhausted };
}

export type Decision =
  | { kind: 'none' }
  | { kind: 'wait'; reason: string; nextAttemptAt: number }
  /** Still counted down, but the latest probe passed: no next step, wait for `successThreshold`. */
  | { kind: 'recovering'; reason: string }
  | { kind: 'act'; item: PlanItem };

/** The next action on the ladder for the current incident, or undefined when the ladder is used up. */
export function ladderAction(actions: RecoveryAction[], step: number): RecoveryAction | undefined {
  return actions[step];
}

/**
 * The planner, pure: what to do next for one service. Down → the ladder (`restart`, then `redeploy`);
 * degraded with `predictiveRestart` → a restart before it falls over; paused → nothing; ladder or budget
 * used up → escalate to humans once. A down service whose latest probe passed gets nothing more (`recovering`).
 */
export function nextAction(input: {
  service: ServiceConfig;
  record: ServiceRecord;
  tuning: Tuning;
  now: number;
  paused: boolean;
}): Decision {
  const { service, record, tuning, now } = input;
  const status = record.health.status;
  if (input.paused) return { kind: 'none' };
  const predictive = status === 'degraded' && tuning.predictiveRestart;
  if (status !== 'down' && !predictive) return { kind: 'none' };
  if (record.escalatedAt !== undefined) return { kind: 'none' };
  if (status === 'down' && record.health.consecutiveSuccesses > 0) {
    // The latest probe passed: the service is coming back (on its own or from the last action). Sending it
    // the next ladder step would restart or redeploy a healthy service.
    return {
      kind: 'recovering',
      reason: `${service.name} answered healthy ${record.health.consecutiveSuccesses} of ${tuning.successThreshold} times needed: recovering, no further action`,
    };
  }
  const trigger = status === 'down' ? 'down' : 'predictive';
  const escalate = (reason: string): Decision => ({
    kind: 'act',
    item: { service: service.id, action: 'escalate', trigger, reason },
  });
  const what = status === 'down' ? 'is down' : 'keeps degrading';
  // A certificate about to expire: no restart renews it. People are told when it is down; degraded waits.
  if (record.health.noRecovery) {
    if (status !== 'down') return { kind: 'none' };
    return escalate(
      `${service.name} is down (${record.health.lastError ?? 'failed checks'}): no restart fixes this`,
    );
  }
  if (!service.recovery) return escalate(`${service.name} ${what} and has no recovery configured`);

  return ladderDecision(service, record, tuning, now, trigger, escalate);
}

/** The next step of the ladder for a service with recovery: act, wait for the budget's back-off, or escalate. */
function ladderDecision(
  service: ServiceConfig,
  record: ServiceRecord,
  tuning: Tuning,
  now: number,
  trigger: 'down' | 'predictive',
  escalate: (reason: string) => Decision,
): Decision {
  const what = trigger === 'down' ? 'is down' : 'keeps degrading';
  const actions = service.recovery?.actions ?? [];
  const action: RecoveryAction | undefined =
    trigger === 'predictive'
      ? actions.includes('restart')
        ? 'restart'
        : actions[0]
      : ladderAction(actions, record.ladderStep);
  if (action === undefined) {
    return escalate(`${service.name} ${what} after ${actions.join(' and ')}: the recovery ladder is used up`);
  }
  const budget = budgetFor(record, tuning, now);
  if (budget.exhausted) {
    return escalate(
      `${service.name} ${what} and the restart budget is used up (${budget.used} recoveries in the last ${formatDuration(budget.windowMs)}); next allowed in ${formatDuration(budget.nextAllowedAt - now)}`,
    );
  }
  if (budget.nextAllowedAt > now) {
    return {
      kind: 'wait',
      reason: `backing off: next ${action} of ${service.name} allowed in ${formatDuration(budget.nextAllowedAt - now)}`,
      nextAttemptAt: budget.nextAllowedAt,
    };
  }
  const reason =
    trigger === 'predictive'
      ? `${service.name} is degrading (${record.health.degradingStreak} slow or worsening answers in a row): predictive ${action}`
      : `${service.name} is down (${record.health.lastError ?? 'failed checks'}): ${action} (step ${record.ladderStep + 1} of ${actions.length})`;
  return { kind: 'act', item: { service: service.id, action, trigger, reason } };
}

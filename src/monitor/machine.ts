import type { Tuning } from '../config/presets.js';
import type { ProbeResult } from '../probe/types.js';
import type { ConfirmPolicy, HealthStatus, ServiceHealth } from './types.js';

/** Response times kept for the trend. */
export const TREND_WINDOW = 10;

/**
 * A rise counts toward the degradation trend only when the answer is at least this much slower than the
 * previous one and already past half the slow threshold: a fast service that jitters (40 → 55 ms) is not degrading.
 */
export const WORSENING_FACTOR = 1.15;

/**
 * The default confirm policy: fast failures twice (two flaky answers in a row, about 1 in 10,000 checks, must
 * not restart a healthy service; three in a row is about 1 in 1,000,000), timeouts once (a second would cost
 * another whole timeout before recovery starts).
 */
export const CONFIRM_POLICY: ConfirmPolicy = { fastFailures: 2, timeouts: 1 };

/** The earlier policy (one confirm re-probe for every failure), kept as the bench's named baseline. */
export const SINGLE_CONFIRM_POLICY: ConfirmPolicy = { fastFailures: 1, timeouts: 1 };

/** A failure that took a whole probe timeout to observe (re-checking it costs another timeout). */
export function isSlowFailure(probe: ProbeResult): boolean {
  return !probe.ok && probe.kind === 'timeout';
}

/**
 * Whether the confirm round is over after these confirm re-probes of a threshold failure: a healthy answer ends
 * it (not down), a timeout ends it once `timeouts` re-probes were made, fast failures once `fastFailures` were.
 * The last confirm decides: the engine observes it with `confirm: true`.
 */
export function confirmDone(confirms: ProbeResult[], policy: ConfirmPolicy = CONFIRM_POLICY): boolean {
  const last = confirms[confirms.length - 1];
  if (!last) return false;
  if (last.ok) return true;
  const needed = isSlowFailure(last) ? policy.timeouts : policy.fastFailures;
  return confirms.length >= Math.max(1, needed);
}

export interface Observation {
  health: ServiceHealth;
  /**
   * Failures reached `maxConsecutiveFailures` on an ordinary probe: re-probe at once and observe that answer
   * (with `confirm: true`) before declaring the service down, so one flaky answer never triggers recovery.
   */
  needsConfirm: boolean;
  /** The status changed on this check. */
  transition?: { from: HealthStatus; to: HealthStatus; reason: string };
}

/** Whether this successful answer is slow, or a clear step up toward slow. */
export function isDegradingAnswer(health: ServiceHealth, responseMs: number, tuning: Tuning): boolean {
  if (responseMs > tuning.slowResponseThreshold) return true;
  const previous = health.lastResponseMs;
  return (
    previous !== undefined &&
    health.consecutiveFailures === 0 &&
    responseMs > previous * WORSENING_FACTOR &&
    responseMs > tuning.slowResponseThreshold / 2
  );
}

/**
 * The per-service state machine, pure: (previous health, one probe result, tuning) → next health.
 * up → slow → degraded → down and back; down needs `maxConsecutiveFailures` failures, the last one confirmed;
 * back up needs `successThreshold` healthy answers in a row.
 */
export function observe(prev: ServiceHealth, probe: ProbeResult, tuning: Tuning): Observation {
  const base: ServiceHealth = {
    ...prev,
    lastCheckAt: probe.at,
    lastCheckMs: probe.responseMs,
    noRecovery: probe.noRecovery,
  };
  if (probe.certDaysLeft !== undefined) base.certDaysLeft = probe.certDaysLeft;
  if (base.noRecovery === undefined) delete base.noRecovery;
  let health: ServiceHealth;
  let needsConfirm = false;
  let reason: string;

  if (!probe.ok) {
    // A confirm re-probe repeats the check that reached the threshold; it is not a new failure.
    const failures = probe.confirm ? Math.max(prev.consecutiveFailures, 1) : prev.consecutiveFailures + 1;
    reason = probe.error ?? probe.kind;
    let status = prev.status;
    if (prev.status === 'down') status = 'down';
    else if (failures >= tuning.maxConsecutiveFailures) {
      if (probe.confirm) status = 'down';
      else needsConfirm = true;
    }
    health = {
      ...base,
      status,
      consecutiveFailures: failures,
      consecutiveSuccesses: 0,
      lastError: reason,
    };
  } else {
    const degradingAnswer = isDegradingAnswer(prev, probe.responseMs, tuning);
    const streak = degradingAnswer ? prev.degradingStreak + 1 : 0;
    const successes = prev.consecutiveSuccesses + 1;
    const slow = probe.responseMs > tuning.slowResponseThreshold;
    let status: HealthStatus;
    if (prev.status === 'down' && successes < tuning.successThreshold) status = 'down';
    else if (probe.warning !== undefined) status = 'degraded';
    else if (streak >= tuning.degradationThreshold) status = 'degraded';
    else if (prev.status === 'degraded' && streak > 0) status = 'degraded';
    else if (slow) status = 'slow';
    else status = 'up';
    reason =
      status === 'degraded' && probe.warning !== undefined
        ? probe.warning
        : status === 'degraded'
          ? `${streak} slow or worsening answers in a row (last ${probe.responseMs}ms, slow above ${tuning.slowResponseThreshold}ms)`
          : status === 'slow'
            ? `answered in ${probe.responseMs}ms (slow above ${tuning.slowResponseThreshold}ms)`
            : status === 'down'
              ? `answered healthy ${successes} of ${tuning.successThreshold} times needed`
              : `healthy in ${probe.responseMs}ms`;
    health = {
      ...base,
      status,
      consecutiveFailures: 0,
      consecutiveSuccesses: successes,
      degradingStreak: streak,
      lastResponseMs: probe.responseMs,
      recentResponseMs: [...prev.recentResponseMs, probe.responseMs].slice(-TREND_WINDOW),
      lastError: undefined,
    };
  }
  if (health.status !== prev.status) {
    health.since = probe.at;
    return { health, needsConfirm, transition: { from: prev.status, to: health.status, reason } };
  }
  return { health, needsConfirm };
}

/** Marks a service healthy after a verified recovery: the trend and counters start again. */
export function recoveredHealth(prev: ServiceHealth, at: number, responseMs?: number): ServiceHealth {
  return {
    ...prev,
    status: 'up',
    since: at,
    consecutiveFailures: 0,
    consecutiveSuccesses: Math.max(1, prev.consecutiveSuccesses),
    degradingStreak: 0,
    recentResponseMs: responseMs === undefined ? [] : [responseMs],
    lastResponseMs: responseMs,
    lastCheckAt: at,
    lastError: undefined,
  };
}

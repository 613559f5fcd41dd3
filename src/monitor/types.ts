/** The health a service is in. `unknown` until its first check. */
export type HealthStatus = 'unknown' | 'up' | 'slow' | 'degraded' | 'down';

/** The per-service health state machine's state. Plain data: it is stored between runs. */
export interface ServiceHealth {
  status: HealthStatus;
  /** When `status` began (epoch ms). */
  since: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Slow or worsening checks in a row (the degradation trend). */
  degradingStreak: number;
  /** The last few response times of successful checks, oldest first (bounded). */
  recentResponseMs: number[];
  lastCheckAt?: number;
  lastResponseMs?: number;
  /**
   * How long the last check took, failed or not (a timeout takes the whole probe timeout). The sweep starts
   * the slowest services first, so a hanging one never waits behind fast ones for a free slot.
   */
  lastCheckMs?: number;
  /** Reason of the last failed check. */
  lastError?: string;
  /** Days left on the TLS certificate at the last check that read it (https services, `type: tls`). */
  certDaysLeft?: number;
  /**
   * The last check failed or warned for something no restart fixes (a certificate): the planner escalates a
   * down service to people instead of restarting it, and makes no predictive restart of a degraded one.
   */
  noRecovery?: true;
}

/**
 * How many confirm re-probes a failure that reached the threshold needs before the service is declared down.
 * A fast failure (refused connection, 5xx, wrong body) costs milliseconds to re-check, so it is confirmed
 * `fastFailures` times; a timeout costs a whole probe timeout, so it is confirmed `timeouts` times.
 */
export interface ConfirmPolicy {
  fastFailures: number;
  timeouts: number;
}

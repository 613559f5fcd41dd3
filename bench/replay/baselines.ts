/**
 * The public systems, each as a small generic detector configured as that system ships: check every `intervalMs`,
 * declare down after `failures` failed checks in a row (optionally confirmed, or with several attempts per run),
 * then restart (seed, Kubernetes) or only alert (Upptime, Uptime Kuma).
 */
import type { SimulatedService } from './world.js';

export interface DetectorPolicy {
  name: string;
  /** Where the numbers come from. */
  note: string;
  intervalMs: number;
  /** Failed checks in a row that make the service down. */
  failures: number;
  /** An immediate re-probe must fail too before declaring down. */
  confirm: boolean;
  /** Tries within one check; the check fails only if every try fails (Upptime retries in the run). @default 1 */
  attemptsPerCheck?: number;
  /** A slower answer is a failure. */
  timeoutMs: number;
  /** What the system does when it declares down. */
  action: 'restart' | 'alert';
}

/** The baselines of the issue, configured as each public system is by default. */
export const BASELINES: DetectorPolicy[] = [
  {
    name: 'seed-normal',
    note: 'the seed monitor, normal: 10 s, 2 failures, no confirm re-probe, restart',
    intervalMs: 10_000,
    failures: 2,
    confirm: false,
    timeoutMs: 10_000,
    action: 'restart',
  },
  {
    name: 'seed-extreme',
    note: 'the seed monitor, extreme: 5 s, 1 failure, no confirm re-probe (the seed had none), restart',
    intervalMs: 5_000,
    failures: 1,
    confirm: false,
    timeoutMs: 10_000,
    action: 'restart',
  },
  {
    name: 'Upptime-like',
    note: '5-minute cron, 3 attempts within the run, alert (opens an issue), no restart',
    intervalMs: 300_000,
    failures: 1,
    confirm: false,
    attemptsPerCheck: 3,
    timeoutMs: 10_000,
    action: 'alert',
  },
  {
    name: 'Uptime Kuma default',
    note: '60 s heartbeat, 0 retries, request timeout 48 s (0.8 × interval), alert, no restart',
    intervalMs: 60_000,
    failures: 1,
    confirm: false,
    timeoutMs: 48_000,
    action: 'alert',
  },
  {
    name: 'Kubernetes liveness',
    note: 'periodSeconds 10, failureThreshold 3, timeoutSeconds 1, restart the container',
    intervalMs: 10_000,
    failures: 3,
    confirm: false,
    timeoutMs: 1_000,
    action: 'restart',
  },
];

/** Replays one detector over the whole scenario; the score stays in `world`. */
export function runDetector(policy: DetectorPolicy, world: SimulatedService): { checks: number } {
  const { start, end } = world.scenario;
  const attempts = policy.attemptsPerCheck ?? 1;
  const passes = (t: number) => {
    const answer = world.answer(t);
    return answer.ok && answer.responseMs <= policy.timeoutMs;
  };
  let failures = 0;
  let alerting = false;
  let checks = 0;
  let t = start;
  while (t < end) {
    checks++;
    let ok = false;
    for (let i = 0; i < attempts && !ok; i++) ok = passes(t);
    if (ok) {
      failures = 0;
      alerting = false;
      t += policy.intervalMs;
      continue;
    }
    failures++;
    if (failures < policy.failures || alerting || (policy.confirm && passes(t))) {
      t += policy.intervalMs;
      continue;
    }
    world.declareDown(t);
    if (policy.action === 'alert') {
      alerting = true;
      t += policy.intervalMs;
    } else {
      world.restart(t);
      failures = 0;
      // The detector waits for the restart to finish before it checks again.
      t += Math.max(policy.intervalMs, world.restartMs);
    }
  }
  return { checks };
}

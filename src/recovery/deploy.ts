import type { Config } from '../config/schema.js';
import { percentile } from '../history/record.js';

/**
 * Deploy analysis, pure (docs/recovery.md): the checks after a deploy against the same number before it.
 * A new version is "clearly worse" when, with at least `minChecks` checks on each side,
 * - its p95 response time is at least `p95Ratio` × the one before, and several answers (not one) are that slow; or
 * - its success rate dropped by at least `errorRateIncrease` points and that many failures would be very
 *   unlikely at the old failure rate (a one-sided binomial test at 0.01 %, strict because the sweep looks again after every check), so a flaky check decides nothing.
 */

export interface DeployAnalysisPolicy {
  /** Checks after the deploy compared with the same number before. */
  checks: number;
  minChecks: number;
  p95Ratio: number;
  /** Percentage points. */
  errorRateIncrease: number;
}

export const DEFAULT_DEPLOY_ANALYSIS: DeployAnalysisPolicy = {
  checks: 60,
  minChecks: 10,
  p95Ratio: 2,
  errorRateIncrease: 5,
};

/** Significance of the error-rate test: a good deploy is called worse by chance at most this often per look. */
export const ERROR_TEST_ALPHA = 0.0001;

export function deployAnalysisPolicy(config: Pick<Config, 'deployAnalysis'>): DeployAnalysisPolicy {
  const d = config.deployAnalysis ?? {};
  return {
    checks: d.checks ?? DEFAULT_DEPLOY_ANALYSIS.checks,
    minChecks: Math.min(
      d.minChecks ?? DEFAULT_DEPLOY_ANALYSIS.minChecks,
      d.checks ?? DEFAULT_DEPLOY_ANALYSIS.checks,
    ),
    p95Ratio: d.p95Ratio ?? DEFAULT_DEPLOY_ANALYSIS.p95Ratio,
    errorRateIncrease: d.errorRateIncrease ?? DEFAULT_DEPLOY_ANALYSIS.errorRateIncrease,
  };
}

/** A check as the record keeps it: `[at, ok 1|0, responseMs]`. */
export type CheckPoint = readonly [number, number, number];

export interface CheckStats {
  n: number;
  failures: number;
  /** Percent. */
  successRate: number;
  /** Of the healthy answers, ms; null when none was healthy. */
  p95: number | null;
}

export function statsOf(checks: readonly CheckPoint[]): CheckStats {
  const healthy = checks.filter((c) => c[1] === 1).map((c) => c[2]);
  const sorted = [...healthy].sort((a, b) => a - b);
  const failures = checks.length - healthy.length;
  return {
    n: checks.length,
    failures,
    successRate: checks.length ? (100 * healthy.length) / checks.length : 100,
    p95: percentile(sorted, 95),
  };
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let term = Math.pow(1 - p, n); // P(X = 0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term = (term * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.max(0, 1 - below);
}

export interface DeployVerdict {
  verdict: 'worse' | 'ok' | 'undecided';
  before: CheckStats;
  after: CheckStats;
  /** Both numbers, for the incident. */
  reason: string;
}

const pct = (n: number) => `${Math.round(n * 10) / 10}%`;
const msOf = (n: number | null) => (n === null ? '—' : `${Math.round(n)}ms`);

/** Compares the checks after `deployAt` with as many before it. */
export function analyzeDeploy(
  checks: readonly CheckPoint[],
  deployAt: number,
  policy: DeployAnalysisPolicy,
  baseline?: Baseline,
): DeployVerdict {
  const after = checks.filter((c) => c[0] >= deployAt).slice(0, policy.checks);
  const before = checks.filter((c) => c[0] < deployAt).slice(-Math.max(policy.checks, after.length));
  return compare(before, after, policy, baseline);
}

/** The old version's failures over a longer stretch (the burn-rate series before the deploy), for the error test. */
export interface Baseline {
  ok: number;
  total: number;
}

/** Checks of the per-minute series that ended before `at` (src/slo/burn.ts keeps it). */
export function baselineBefore(
  series: ReadonlyArray<readonly [number, number, number]> | undefined,
  at: number,
): Baseline {
  let ok = 0;
  let total = 0;
  for (const [start, good, count] of series ?? [])
    if (start + 60_000 <= at) {
      ok += good;
      total += count;
    }
  return { ok, total };
}

/** The verdict on two samples (see the module's comment). */
export function compare(
  beforeChecks: readonly CheckPoint[],
  afterChecks: readonly CheckPoint[],
  policy: DeployAnalysisPolicy,
  baseline?: Baseline,
): DeployVerdict {
  const before = statsOf(beforeChecks);
  const after = statsOf(afterChecks);
  const numbers = `success rate ${pct(before.successRate)} → ${pct(after.successRate)}, p95 ${msOf(before.p95)} → ${msOf(after.p95)} (${before.n} checks before, ${after.n} after)`;
  if (before.n < policy.minChecks || after.n < policy.minChecks)
    return { verdict: 'undecided', before, after, reason: `not enough checks yet: ${numbers}` };
  const reasons: string[] = [];
  if (before.p95 !== null && after.p95 !== null && after.p95 >= policy.p95Ratio * before.p95) {
    const limit = policy.p95Ratio * before.p95;
    const slow = afterChecks.filter((c) => c[1] === 1 && c[2] >= limit).length;
    if (slow >= Math.max(2, Math.ceil(0.1 * after.n)))
      reasons.push(
        `p95 ${msOf(before.p95)} → ${msOf(after.p95)} (×${Math.round((after.p95 / Math.max(1, before.p95)) * 10) / 10})`,
      );
  }
  const drop = before.successRate - after.successRate;
  // The old failure rate, smoothed (no failures before is not "failures are impossible"), over the longer
  // baseline when there is one: 60 checks can't tell 0.1 % from 1 %, six hours of them can.
  const base =
    baseline && baseline.total > before.n ? baseline : { ok: before.n - before.failures, total: before.n };
  const p0 = (base.total - base.ok + 1) / (base.total + 2);
  if (drop >= policy.errorRateIncrease && binomialTail(after.failures, after.n, p0) < ERROR_TEST_ALPHA)
    reasons.push(`success rate ${pct(before.successRate)} → ${pct(after.successRate)}`);
  if (reasons.length)
    return {
      verdict: 'worse',
      before,
      after,
      reason: `clearly worse since the deploy: ${reasons.join('; ')} — ${numbers}`,
    };
  if (after.n >= policy.checks) return { verdict: 'ok', before, after, reason: `no worse: ${numbers}` };
  return { verdict: 'undecided', before, after, reason: `no clear change yet: ${numbers}` };
}

/**
 * Whether the latest checks look worse than the ones before them, with no deploy time known yet: the latest
 * `minChecks`..`checks` against the `checks` before. A suspicion only: it is what makes the deployment list
 * worth one platform call (never on a healthy, unchanged service).
 */
export function suspectChange(
  checks: readonly CheckPoint[],
  policy: DeployAnalysisPolicy,
  baseline?: (from: number) => Baseline,
): boolean {
  // The latest minChecks, 2 × minChecks, … checks: a slow-down shows in a few, an error rate needs more.
  for (let n = policy.minChecks; n <= policy.checks && 2 * n <= checks.length; n *= 2) {
    const after = checks.slice(-n);
    const before = checks.slice(0, -n).slice(-policy.checks);
    if (compare(before, after, policy, baseline?.(after[0][0])).verdict === 'worse') return true;
  }
  return false;
}

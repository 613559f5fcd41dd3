/**
 * Section 1's deploy world (issue 14): the same seeded 30 days plus deploys, some bad, replayed through the seed,
 * Upptime-like, Kubernetes liveness and our engine with the `rollback` ladder step. Target: our downtime
 * ≤ 0.7 × Kubernetes liveness downtime in the same run.
 */
import type { Mode } from '../../src/config/presets.js';
import type { RecoveryAction } from '../../src/config/schema.js';
import type { Target } from '../lib/stats.js';
import { humanMs, markdownTable, percentile, verdict } from '../lib/stats.js';
import { BASELINES, runDetector } from './baselines.js';
import { DEFAULT_GAP_MS, DeployedService, makeDeployScenario, type DeployOptions } from './deploys.js';
import { runEngine } from './ours.js';

/** The ladder ours runs in the deploy world: the one docs/configuration.md shows for `rollback`. */
export const ROLLBACK_LADDER: RecoveryAction[] = ['restart', 'rollback', 'redeploy'];

/** The baselines replayed in the deploy world (alert-only Uptime Kuma behaves as Upptime-like here). */
const BASELINE_NAMES = ['seed-normal', 'seed-extreme', 'Upptime-like', 'Kubernetes liveness'];

const OURS: Array<{ name: string; mode: Mode; intervalMs: number }> = [
  { name: 'ours, normal', mode: 'normal', intervalMs: 10_000 },
  { name: 'ours, extreme', mode: 'extreme', intervalMs: 5_000 },
];

/** The downtime target: ours ≤ this × Kubernetes liveness. */
export const DEPLOY_TARGET_RATIO = 0.7;

/** One row of the deploy world's table. */
export interface DeployScore {
  policy: string;
  intervalMs: number;
  /** What it does on a bad deploy. */
  does: string;
  outages: number;
  badDeploys: number;
  /** Bad deploys' outages ended by the policy's rollback. */
  rolledBack: number;
  p50Ms?: number;
  restarts: number;
  rollbacks: number;
  falseRecoveries: number;
  badDeployDowntimeMin: number;
  downtimeMin: number;
  runMs: number;
}

function score(
  world: DeployedService,
  policy: string,
  intervalMs: number,
  does: string,
  runMs: number,
): DeployScore {
  const k = world.restartKinds;
  const r = world.rollbackKinds;
  const restarts = k.fixed + k.prevented + k.futile + k.false;
  const { outages, rolledBack } = world.badDeploys();
  return {
    policy,
    intervalMs,
    does,
    outages: world.incidents.length,
    badDeploys: outages,
    rolledBack,
    p50Ms: percentile(world.latencies(), 50),
    restarts,
    rollbacks: r.fixed + r.futile + r.false,
    // Alert-only systems never act: their false alarms are what a restarting system would have acted on.
    falseRecoveries:
      restarts > 0 || world.falseDeclarations === 0 ? k.false + r.false : world.falseDeclarations,
    badDeployDowntimeMin: world.badDeployDowntimeMs() / 60_000,
    downtimeMin: world.downtimeMs() / 60_000,
    runMs,
  };
}

/** Replays the deploy world through the baselines and our engine (with the rollback step). */
export async function runDeployReplay(
  options: { days: number; seed: number } & DeployOptions,
): Promise<DeployScore[]> {
  const scenario = makeDeployScenario(options);
  const behaviour = { seed: options.seed + 1 };
  const rows: DeployScore[] = [];
  for (const policy of BASELINES.filter((p) => BASELINE_NAMES.includes(p.name))) {
    const started = performance.now();
    const world = new DeployedService(scenario, behaviour);
    runDetector(policy, world);
    const does =
      policy.action === 'alert'
        ? 'alerts; a person rolls back'
        : policy.name.startsWith('seed')
          ? 'restart → redeploy (the bad version again)'
          : 'restarts the container (the bad version again)';
    rows.push(score(world, policy.name, policy.intervalMs, does, performance.now() - started));
  }
  for (const ours of OURS) {
    const started = performance.now();
    const world = new DeployedService(scenario, behaviour);
    await runEngine(ours.mode, world, { actions: ROLLBACK_LADDER });
    const does = `real engine, actions [${ROLLBACK_LADDER.join(', ')}]`;
    rows.push(score(world, ours.name, ours.intervalMs, does, performance.now() - started));
  }
  return rows;
}

/** Ours ÷ Kubernetes liveness, total downtime of the deploy world, per mode; the targets of the summary. */
export function deployTargets(rows: DeployScore[]): Target[] {
  const k8s = rows.find((r) => r.policy === 'Kubernetes liveness');
  return OURS.map(({ name }) => {
    const ours = rows.find((r) => r.policy === name);
    const figure = `deploy world: downtime, ${name} (rollback step) ÷ Kubernetes liveness`;
    const target = `≤ ${DEPLOY_TARGET_RATIO} ×`;
    if (!ours || !k8s || k8s.downtimeMin === 0) return { figure, value: 'not replayed', target, ok: false };
    const ratio = ours.downtimeMin / k8s.downtimeMin;
    return {
      figure,
      value: `${ratio.toFixed(2)} × (${ours.downtimeMin.toFixed(1)} vs ${k8s.downtimeMin.toFixed(1)} min)`,
      target,
      ok: ratio <= DEPLOY_TARGET_RATIO,
    };
  });
}

/** The deploy world as Markdown: the table, the target lines, how the world is built. */
export function deployMarkdown(
  rows: DeployScore[],
  options: { days: number; seed: number } & Pick<DeployOptions, 'minGapMs' | 'maxGapMs'>,
): string {
  const hours = (ms: number) => ms / 3_600_000;
  const gap = `${hours(options.minGapMs ?? DEFAULT_GAP_MS[0])}–${hours(options.maxGapMs ?? DEFAULT_GAP_MS[1])} h`;
  const k8s = rows.find((r) => r.policy === 'Kubernetes liveness');
  const vs = (r: DeployScore) =>
    k8s && k8s.downtimeMin > 0 ? `${(r.downtimeMin / k8s.downtimeMin).toFixed(2)} ×` : '—';
  const first = rows[0];
  const table = markdownTable(
    [
      'policy',
      'on a bad deploy',
      'interval',
      'detect p50',
      'false recoveries',
      'restarts',
      'rollbacks',
      'bad deploys rolled back',
      'bad-deploy downtime',
      'downtime',
      'vs Kubernetes liveness',
    ],
    rows.map((r) => [
      r.policy,
      r.does,
      humanMs(r.intervalMs),
      humanMs(r.p50Ms),
      r.falseRecoveries,
      r.restarts,
      r.rollbacks,
      `${r.rolledBack} / ${r.badDeploys}`,
      `${r.badDeployDowntimeMin.toFixed(1)} min`,
      `${r.downtimeMin.toFixed(1)} min`,
      vs(r),
    ]),
  );
  const targets = deployTargets(rows).map(
    (t) => `${verdict(t.ok === true)} ${t.figure}: ${t.value} (target ${t.target})`,
  );
  const timing = rows.map((r) => `${r.policy} ${humanMs(r.runMs)}`).join(', ');
  return [
    `#### Deploy world (${options.days} simulated days, seed ${options.seed}, ${first?.outages ?? 0} outages of which ` +
      `${first?.badDeploys ?? 0} follow a bad deploy)`,
    '',
    table,
    '',
    ...targets,
    '',
    `The world: the same seeded timeline as above (its outages, slow-downs and flakes) plus a deploy every ${gap} ` +
      '(uniform); 20% of them (rounded, picked at random) are bad. A good deploy goes live without downtime. A bad ' +
      'one passes the platform’s start-up check, then crash-loops under traffic 1–5 min later (answers 503); a ' +
      'restart or a redeploy of it brings the same broken version back (and still costs its 20 s of down). The ' +
      'outage ends when someone rolls back: a policy’s rollback step, or a person who noticed — the natural end, ' +
      '30–90 min after the failure began (uniform: an alert or a user report, someone looks, finds the deploy, ' +
      'runs the rollback), the same for every policy. A rollback starts the previous version in 30 s (an image ' +
      'already built); a rollback when the outage did not follow a bad deploy fixes nothing and costs the same ' +
      '30 s. Ordinary outages within 10 min of a bad deploy’s outage are dropped, so outages never overlap. The ' +
      'platform’s deployments list (what `deployments()` answers) comes from this timeline: the latest ' +
      'deployment, and the newest older one that did not crash (a bad deploy is `CRASHED` once it fails). ' +
      'Kubernetes liveness never rolls back: a Deployment past its `progressDeadlineSeconds` is marked failed, ' +
      'not undone; `kubectl rollout undo` is a person (Argo Rollouts or Flagger with analysis would roll back, ' +
      'but that is not the liveness baseline). Ours runs the product’s real engine with ' +
      `\`actions: [${ROLLBACK_LADDER.join(', ')}]\` and the default \`rollbackWindow\` (30 min): the rollback step ` +
      'runs only when the outage began within 30 min of the latest deploy, so an ordinary outage soon after a ' +
      'good deploy can get a useless rollback (counted in rollbacks, and its 30 s in downtime). Bad-deploy ' +
      'downtime counts from each bad deploy’s failure to 1 min after its natural end.',
    '',
    `Replayed in: ${timing}.`,
  ].join('\n');
}

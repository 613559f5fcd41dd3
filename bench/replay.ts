/**
 * Section 1, the policy replay: the same seeded 30 days of outages, slow-downs and flaky answers replayed
 * through each public system's detector and through our engine (the real `watch`/`sweep`, state machine,
 * planner and budget) at normal and extreme, in virtual time.
 */
import type { Mode } from '../src/config/presets.js';
import { SINGLE_CONFIRM_POLICY } from '../src/monitor/machine.js';
import type { ConfirmPolicy } from '../src/monitor/types.js';
import { BASELINES, runDetector, type DetectorPolicy } from './replay/baselines.js';
import { runEngine } from './replay/ours.js';
import { makeScenario, SimulatedService, type ServiceBehaviour } from './replay/world.js';
import { deployMarkdown, deployTargets, runDeployReplay } from './replay/deploy-rows.js';
import { humanMs, markdownTable, percentile, verdict, type SectionResult, type Target } from './lib/stats.js';

export interface ReplayOptions {
  days: number;
  seed: number;
}

/** One row of the table. */
export interface PolicyScore {
  policy: string;
  intervalMs: number;
  outages: number;
  detected: number;
  p50Ms?: number;
  p95Ms?: number;
  falseRecoveries: number;
  missed: number;
  predicted: number;
  restarts: number;
  downtimeMin: number;
  uptimePct: number;
  runMs: number;
  note: string;
}

interface Ours {
  name: string;
  mode: Mode;
  intervalMs: number;
  behaviour?: Partial<ServiceBehaviour>;
  /** Replay only this many days. */
  maxDays?: number;
  /** The engine's confirm policy; @default the product's. */
  confirmPolicy?: ConfirmPolicy;
  note: string;
}

/** The stress world: flakes are independent draws, so a flaky answer can follow a flaky answer. */
const STRESS = { isolatedFlakes: false } as const;
const STRESS_NOTE =
  'stress: a flake may follow a flake (2 in a row ≈ 1 in 10,000 checks, 3 ≈ 1 in 1,000,000)';

const OURS: Ours[] = [
  { name: 'ours, normal', mode: 'normal', intervalMs: 10_000, note: 'real engine, conservative preset' },
  {
    name: 'ours-v1, extreme (one confirm)',
    mode: 'extreme',
    intervalMs: 5_000,
    confirmPolicy: SINGLE_CONFIRM_POLICY,
    note: 'the previous policy, real engine: one confirm re-probe for every failure',
  },
  {
    name: 'ours, extreme',
    mode: 'extreme',
    intervalMs: 5_000,
    note: 'real engine, the seed’s extreme tuning + confirm re-probes: fast failures twice, timeouts once',
  },
  {
    name: 'ours-v1, extreme (one confirm), stress',
    mode: 'extreme',
    intervalMs: 5_000,
    behaviour: STRESS,
    confirmPolicy: SINGLE_CONFIRM_POLICY,
    note: `the previous policy; ${STRESS_NOTE}`,
  },
  {
    name: 'ours, extreme, stress',
    mode: 'extreme',
    intervalMs: 5_000,
    behaviour: STRESS,
    note: `fast failures confirmed twice, timeouts once; ${STRESS_NOTE}`,
  },
];

function score(
  world: SimulatedService,
  policy: string,
  intervalMs: number,
  note: string,
  runMs: number,
): PolicyScore {
  const latencies = world.latencies();
  const span = world.scenario.end - world.scenario.start;
  const downtime = world.downtimeMs();
  const kinds = world.restartKinds;
  const restarts = kinds.fixed + kinds.prevented + kinds.futile + kinds.false;
  // Alert-only systems never restart: their false alarms are what a restart-based system would act on.
  const falseRecoveries =
    restarts > 0 || world.falseDeclarations === 0 ? kinds.false : world.falseDeclarations;
  return {
    policy,
    intervalMs,
    outages: world.incidents.length,
    detected: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    falseRecoveries,
    missed: world.missed(),
    predicted: kinds.prevented,
    restarts,
    downtimeMin: downtime / 60_000,
    uptimePct: 100 * (1 - downtime / span),
    runMs,
    note,
  };
}

/** Replays every policy over the same scenario. */
export async function runReplay(options: ReplayOptions): Promise<PolicyScore[]> {
  const scenario = makeScenario({ seed: options.seed, days: options.days });
  const behaviour: ServiceBehaviour = { seed: options.seed + 1 };
  const rows: PolicyScore[] = [];
  for (const policy of BASELINES as DetectorPolicy[]) {
    const started = performance.now();
    const world = new SimulatedService(scenario, behaviour);
    runDetector(policy, world);
    rows.push(score(world, policy.name, policy.intervalMs, policy.note, performance.now() - started));
  }
  for (const ours of OURS) {
    const started = performance.now();
    const days = Math.min(options.days, ours.maxDays ?? options.days);
    const own = days === options.days ? scenario : makeScenario({ seed: options.seed, days });
    const world = new SimulatedService(own, { ...behaviour, ...ours.behaviour });
    await runEngine(ours.mode, world, ours.confirmPolicy ? { confirmPolicy: ours.confirmPolicy } : {});
    const name = days === options.days ? ours.name : `${ours.name}, ${days} days`;
    rows.push(score(world, name, ours.intervalMs, ours.note, performance.now() - started));
  }
  return rows;
}

const HOUR = 3_600_000;

/** A failing probe in the replay world (a 503 answers in 30 ms): the "one probe" of the detection target. */
const FAILING_PROBE_MS = 30;

/**
 * The targets of issue 14: ours at extreme detects at p50 ≤ 0.5 × interval + one probe in the normal world,
 * with zero false recoveries there and in the stress world (a flake may follow a flake).
 */
export function extremeTarget(rows: PolicyScore[]): { ok: boolean; text: string } {
  const ours = rows.find((r) => r.policy === 'ours, extreme');
  const stress = rows.find((r) => r.policy.startsWith('ours, extreme, stress'));
  const before = rows.find((r) => r.policy.startsWith('ours-v1, extreme (one confirm), stress'));
  const seed = rows.find((r) => r.policy === 'seed-extreme');
  if (!ours || !stress) return { ok: false, text: 'ours, extreme (normal and stress) was not replayed' };
  const limit = 0.5 * ours.intervalMs + FAILING_PROBE_MS;
  const fast = ours.p50Ms !== undefined && ours.p50Ms <= limit;
  const ok = fast && ours.falseRecoveries === 0 && stress.falseRecoveries === 0;
  const text =
    `${verdict(ok)} ours at extreme: p50 ${humanMs(ours.p50Ms)} (target ≤ 0.5 × interval + one failing probe = ` +
    `${humanMs(limit)}` +
    (seed ? `; seed-extreme ${humanMs(seed.p50Ms)}` : '') +
    `), false recoveries ${ours.falseRecoveries} in the normal world and ${stress.falseRecoveries} in the stress ` +
    `world (target 0 and 0` +
    (before ? `; the previous one-confirm policy: ${before.falseRecoveries} in the stress world` : '') +
    (seed ? `; seed-extreme ${seed.falseRecoveries} in the normal world` : '') +
    ')';
  return { ok, text };
}

/** The normal and stress worlds' targets for the summary table (the same figures as {@link extremeTarget}). */
export function replayTargets(rows: PolicyScore[], options: ReplayOptions): Target[] {
  const ours = rows.find((r) => r.policy === 'ours, extreme');
  const stress = rows.find((r) => r.policy.startsWith('ours, extreme, stress'));
  const limit = 0.5 * (ours?.intervalMs ?? 5_000) + FAILING_PROBE_MS;
  const count = (r: PolicyScore | undefined) => (r ? String(r.falseRecoveries) : 'not replayed');
  const days = `${options.days} day${options.days === 1 ? '' : 's'}`;
  return [
    {
      figure: `detection p50, ours at extreme, normal world, ${days}`,
      value: humanMs(ours?.p50Ms),
      target: `≤ 0.5 × interval + one failing probe = ${humanMs(limit)}`,
      ok: ours?.p50Ms !== undefined && ours.p50Ms <= limit,
    },
    {
      figure: `false recoveries, ours at extreme, normal world, ${days}`,
      value: count(ours),
      target: '0',
      ok: ours?.falseRecoveries === 0,
    },
    {
      figure: `false recoveries, ours at extreme, stress world, ${days}`,
      value: count(stress),
      target: '0',
      ok: stress?.falseRecoveries === 0,
    },
  ];
}

/**
 * Section 1 for `npm run bench`: the normal and stress worlds, then the deploy world, in one run; the Markdown
 * and every target (normal world detection and false recoveries, stress world false recoveries, deploy world
 * downtime vs Kubernetes liveness).
 */
export async function replaySection(options: ReplayOptions): Promise<SectionResult> {
  const rows = await runReplay(options);
  // A smoke run of a day or two gets a deploy every 4–8 h, so that it has a bad one to roll back.
  const deploys = options.days < 7 ? { ...options, minGapMs: 4 * HOUR, maxGapMs: 8 * HOUR } : options;
  const deployRows = await runDeployReplay(deploys);
  return {
    markdown: `${replayMarkdown(rows, options)}\n\n${deployMarkdown(deployRows, deploys)}`,
    targets: [...replayTargets(rows, options), ...deployTargets(deployRows)],
  };
}

/** The section as Markdown. */
export function replayMarkdown(rows: PolicyScore[], options: ReplayOptions): string {
  const outages = rows[0]?.outages ?? 0;
  const table = markdownTable(
    [
      'policy',
      'interval',
      'detect p50',
      'detect p95',
      'false recoveries',
      'missed outages',
      'predicted restarts',
      'restarts',
      'downtime',
      'uptime',
    ],
    rows.map((r) => [
      r.policy,
      humanMs(r.intervalMs),
      humanMs(r.p50Ms),
      humanMs(r.p95Ms),
      r.falseRecoveries,
      `${r.missed} / ${r.outages}`,
      r.predicted,
      r.restarts,
      `${r.downtimeMin.toFixed(1)} min`,
      `${r.uptimePct.toFixed(3)} %`,
    ]),
  );
  const notes = rows.map((r) => `- **${r.policy}**: ${r.note} (replayed in ${humanMs(r.runMs)}).`).join('\n');
  return [
    `### 1. Policy replay (${options.days} simulated days, seed ${options.seed}, ${outages} outages)`,
    '',
    table,
    '',
    extremeTarget(rows).text,
    '',
    notes,
    '',
    'The world: a few outages a day (Poisson, mean 3/day, 30 s–20 min log-uniform); 30% preceded by a 2–5 min ' +
      'slow-down climbing to 9 s (restart-fixable: a leak); of the rest, 80% fixed by a restart and 20% not (a ' +
      'dependency is down). A restart keeps the service down 20 s. 1% of healthy answers fail once (the next ' +
      'answer is healthy), 0.5% are slow spikes of 3–7 s. Detection = from the outage start to the moment the ' +
      'policy declares it down. False recoveries = restarts on a healthy service (for alert-only systems: false ' +
      'alarms). Predicted restarts = restarts during a slow-down that prevented the outage. Downtime counts the ' +
      'outages as shortened by restarts plus every restart’s own 20 s.',
  ].join('\n');
}

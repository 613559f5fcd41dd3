/**
 * The recovery section (docs/recovery.md): dependencies in a cascade, deploys that make a service slower or
 * erroring without crashing, and the platform API calls our engine makes. Every run goes through the product's
 * real `sweep` (planner, cascade, deploy analysis, budget, executor) in virtual time; the cascade runs also go
 * through the real Railway provider against the loopback Railway server of the tests, so every API call is a
 * real HTTP request counted by the server.
 */
import {
  humanMs,
  markdownTable,
  median,
  percentile,
  verdict,
  type SectionResult,
  type Target,
} from './lib/stats.js';
import { runCascade } from './recovery/cascade.js';
import { runArgoLike, runOursDeploy, type DeployRun } from './recovery/deploys.js';
import { HOUR, MINUTE, START } from './recovery/engine.js';
import { CascadeWorld, SlowDeployWorld } from './recovery/worlds.js';

/** Railway's Hobby plan: 1,000 API requests an hour. */
const HOBBY_PER_HOUR = 1000;

export interface RecoveryOptions {
  cascadeHours: number;
  cascadeOutages: number;
  deployDays: number;
  seed: number;
}

export async function runRecoverySection(options: RecoveryOptions): Promise<SectionResult> {
  const started = performance.now();
  const withDeps = await runCascade(true, options.cascadeHours, options.cascadeOutages, options.seed);
  const without = await runCascade(false, options.cascadeHours, options.cascadeOutages, options.seed);
  const world = new SlowDeployWorld(START, START + options.deployDays * 86_400_000, options.seed);
  const ours = await runOursDeploy(world);
  const argo = runArgoLike(world);

  const outageHours = new Set<number>();
  const cascadeWorld = new CascadeWorld(
    START,
    START + options.cascadeHours * HOUR,
    options.seed,
    options.cascadeOutages,
  );
  for (const o of cascadeWorld.outages)
    for (let t = o.start - 5 * MINUTE; t < o.naturalEnd + 15 * MINUTE; t += MINUTE)
      outageHours.add(Math.floor((t - START) / HOUR));
  const healthyHours = options.cascadeHours - outageHours.size;
  const healthyCalls = [...withDeps.hourly]
    .filter(([h]) => !outageHours.has(h))
    .reduce((n, [, c]) => n + c, 0);
  const worstHour = Math.max(0, ...withDeps.hourly.values());
  const worstHourWithout = Math.max(0, ...without.hourly.values());
  const perIncident = withDeps.calls.length / options.cascadeOutages;
  const med = (xs: number[]) => (xs.length ? median(xs) : undefined);

  const cascadeTable = markdownTable(
    [
      'policy',
      'db outages',
      'db restarts',
      'needless dependent restarts',
      'incidents',
      'time to all healthy (median / max)',
      'API calls',
    ],
    [
      [
        'ours, dependsOn',
        options.cascadeOutages,
        withDeps.dbRestarts,
        withDeps.dependentRestarts,
        withDeps.incidents,
        `${humanMs(med(withDeps.timeToHealthyMs))} / ${humanMs(Math.max(...withDeps.timeToHealthyMs))}`,
        withDeps.calls.length,
      ],
      [
        'ours, no dependsOn',
        options.cascadeOutages,
        without.dbRestarts,
        without.dependentRestarts,
        without.incidents,
        `${humanMs(med(without.timeToHealthyMs))} / ${humanMs(Math.max(...without.timeToHealthyMs))}`,
        without.calls.length,
      ],
    ],
  );
  const deployRow = (name: string, r: DeployRun) => [
    name,
    `${humanMs(med(r.toRollback.slow))} / ${humanMs(percentile(r.toRollback.slow, 95))}`,
    `${r.toRollback.slow.length} / ${r.toRollback.slow.length + r.missed.slow}`,
    `${humanMs(med(r.toRollback.erroring))} / ${humanMs(percentile(r.toRollback.erroring, 95))}`,
    `${r.toRollback.erroring.length} / ${r.toRollback.erroring.length + r.missed.erroring}`,
    `${r.falseRollbacks} / ${r.good}`,
    r.lookups,
  ];
  const deployTable = markdownTable(
    [
      'policy',
      'p95 × 3: deploy → rollback (median / p95)',
      'caught',
      '10% errors: deploy → rollback (median / p95)',
      'caught',
      'false rollbacks of good deploys',
      'platform lookups (forensics + deploy analysis)',
    ],
    [
      deployRow('ours, rollbackOn: degraded-deploy (5 s checks)', ours),
      deployRow('Argo-Rollouts-like (60 s, failure limit 3)', argo),
    ],
  );
  const noLater = (kind: 'slow' | 'erroring') => {
    const a = med(ours.toRollback[kind]);
    const b = med(argo.toRollback[kind]);
    return a !== undefined && b !== undefined && a <= b && ours.missed[kind] <= argo.missed[kind];
  };
  const targets: Target[] = [
    {
      figure: 'cascade: needless restarts of dependents with dependsOn',
      value: String(withDeps.dependentRestarts),
      target: '0',
      ok: withDeps.dependentRestarts === 0,
    },
    {
      figure: 'cascade: needless restarts of dependents without dependsOn (comparison)',
      value: String(without.dependentRestarts),
      target: 'information',
    },
    {
      figure: 'slow deploys: false rollbacks of good deploys (ours)',
      value: `${ours.falseRollbacks} of ${ours.good}`,
      target: '0',
      ok: ours.falseRollbacks === 0,
    },
    {
      figure: 'slow deploys: p95 × 3, median deploy → rollback, ours vs Argo-like',
      value: `${humanMs(med(ours.toRollback.slow))} vs ${humanMs(med(argo.toRollback.slow))}`,
      target: 'ours no later',
      ok: noLater('slow'),
    },
    {
      figure: 'slow deploys: 10% errors, median deploy → rollback, ours vs Argo-like',
      value: `${humanMs(med(ours.toRollback.erroring))} vs ${humanMs(med(argo.toRollback.erroring))}`,
      target: 'ours no later',
      ok: noLater('erroring'),
    },
    {
      figure: 'platform API calls per healthy check (cascade world, healthy hours)',
      value: `${healthyCalls} calls in ${healthyHours} healthy hours`,
      target: '0',
      ok: healthyCalls === 0,
    },
    {
      figure: 'platform API calls per incident (dependsOn)',
      value: perIncident.toFixed(1),
      target: 'information',
    },
    {
      figure: "replay's worst hour vs Railway Hobby",
      value: `${worstHour} (without dependsOn ${worstHourWithout}) of ${HOBBY_PER_HOUR}`,
      target: `≤ ${HOBBY_PER_HOUR}`,
      ok: worstHour <= HOBBY_PER_HOUR,
    },
  ];
  const lines = targets.map(
    (t) => `${t.ok === undefined ? 'ℹ️' : verdict(t.ok)} ${t.figure}: ${t.value} (target ${t.target})`,
  );
  const markdown = [
    '### Recovery that understands the system (dependencies, slow deploys, API budget)',
    '',
    `#### Cascade world (${options.cascadeHours} h, seed ${options.seed}: a shared database down ${options.cascadeOutages} times for 2–10 min, half fixed by its restart; api and worker need it, web needs api)`,
    '',
    cascadeTable,
    '',
    `#### Slow-deploy world (${options.deployDays} days, a deploy every 8 h: half good, a quarter p95 × 3, a quarter 10% errors; none crashes; 0.5% flaky checks)`,
    '',
    deployTable,
    '',
    ...lines,
    '',
    'Cascade: every service is checked every 5 s (extreme); a dependent fails while the database is down and for 5 s after it is back; a restart of a dependent never helps and takes it down for 20 s. API calls are real HTTP requests to the loopback Railway server (restart, status polls, forensics: deployments and logs), counted per virtual hour. Slow deploys: ours is the real engine with `rollbackOn: degraded-deploy` and the default deploy analysis (60 checks, at least 10, p95 × 2, 5 points and a binomial test at 0.01 % against the 6 h before); the Argo-like baseline measures the same answers. A bad deploy nobody rolls back is rolled back by a person after 2 h (counted as not caught).',
    '',
    `Run in ${humanMs(performance.now() - started)}.`,
  ].join('\n');
  return { markdown, targets };
}

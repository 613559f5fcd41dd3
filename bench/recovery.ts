/**
 * The recovery section (docs/recovery.md): dependencies in a cascade, deploys that make a service slower or
 * erroring without crashing, and the platform API calls our engine makes. Every run goes through the product's
 * real `sweep` (planner, cascade, deploy analysis, budget, executor) in virtual time; the cascade runs also go
 * through the real Railway provider against the loopback Railway server of the tests, so every API call is a
 * real HTTP request counted by the server.
 */
import { parseConfig } from '../src/config/load.js';
import type { RawConfigInput, ServiceConfig } from '../src/config/schema.js';
import { sweep } from '../src/engine/sweep.js';
import type { EngineDeps } from '../src/engine/types.js';
import type { ProbeResult } from '../src/probe/types.js';
import { providerFor } from '../src/providers/registry.js';
import type { Provider } from '../src/providers/types.js';
import { emptyState } from '../src/state/records.js';
import { silentLogger } from '../src/util/logger.js';
import { virtualClock } from '../test/helpers/clock.js';
import { RAILWAY_FIXTURE as F, startRailwayServer } from '../test/helpers/railway-server.js';
import {
  humanMs,
  markdownTable,
  median,
  percentile,
  verdict,
  type SectionResult,
  type Target,
} from './lib/stats.js';
import { CascadeWorld, SlowDeployWorld, type Answer } from './recovery/worlds.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.UTC(2026, 0, 1);
const INTERVAL = 5000;
/** Railway's Hobby plan: 1,000 API requests an hour. */
const HOBBY_PER_HOUR = 1000;

function probeOf(
  answer: (id: string, t: number) => Answer,
  clock: { now(): number; sleep(ms: number): Promise<void> },
) {
  return async (service: ServiceConfig, options?: { confirm?: boolean }): Promise<ProbeResult> => {
    const at = clock.now();
    const a = answer(service.id, at);
    // The answer takes its time (a confirm re-probe is a later request, not the same one).
    await clock.sleep(a.responseMs);
    const base = {
      service: service.id,
      at,
      responseMs: a.responseMs,
      ...(options?.confirm ? { confirm: true } : {}),
    };
    return a.ok
      ? { ...base, ok: true, kind: 'ok', status: 200 }
      : { ...base, ok: false, kind: 'status', status: 503, error: 'HTTP 503' };
  };
}

/** Sweeps every INTERVAL from `start` to `end` (a sweep that took longer starts the next one late). */
async function run(deps: EngineDeps, clock: ReturnType<typeof virtualClock>, end: number): Promise<number> {
  let state = emptyState();
  let sweeps = 0;
  for (let next = clock.now(); next < end; next += INTERVAL) {
    if (clock.now() < next) clock.set(next);
    state = (await sweep(deps, state)).state;
    sweeps++;
  }
  return sweeps;
}

interface CascadeRun {
  dependentRestarts: number;
  dbRestarts: number;
  timeToHealthyMs: number[];
  calls: number[];
  hourly: Map<number, number>;
  incidents: number;
}

async function runCascade(
  withDeps: boolean,
  hours: number,
  outages: number,
  seed: number,
): Promise<CascadeRun> {
  const world = new CascadeWorld(START, START + hours * HOUR, seed, outages);
  const server = await startRailwayServer({ pollsUntilDone: 1 });
  const clock = virtualClock(START);
  const hourly = new Map<number, number>();
  const calls: number[] = [];
  const counted: typeof fetch = async (url, init) => {
    calls.push(clock.now());
    const hour = Math.floor((clock.now() - START) / HOUR);
    hourly.set(hour, (hourly.get(hour) ?? 0) + 1);
    return globalThis.fetch(url, init);
  };
  const recovery = (serviceId: string) => ({ provider: 'railway' as const, serviceId });
  const dependsOn = (ids: string[]) => (withDeps ? { dependsOn: ids } : {});
  const raw: RawConfigInput = {
    mode: 'extreme',
    services: {
      db: { url: 'http://127.0.0.1:9/db', recovery: recovery(F.backend) },
      api: { url: 'http://127.0.0.1:9/api', recovery: recovery(F.coqui), ...dependsOn(['db']) },
      web: { url: 'http://127.0.0.1:9/web', recovery: recovery(F.coqui), ...dependsOn(['api']) },
      worker: { url: 'http://127.0.0.1:9/worker', recovery: recovery(F.coqui), ...dependsOn(['db']) },
    },
  };
  const config = parseConfig(raw, 'bench (cascade)');
  const railway = providerFor('railway');
  // The platform call is real (loopback); what the restart does to the service is the world's.
  const provider: Provider = {
    ...railway,
    restart: async (service, ctx) => {
      const result = await railway.restart(service, ctx);
      world.restart(service.id, clock.now());
      return result;
    },
    redeploy: async (service, ctx) => {
      const result = await railway.redeploy(service, ctx);
      world.restart(service.id, clock.now());
      return result;
    },
  };
  let incidents = 0;
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: {
      env: { RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken },
      fetch: counted,
      clock,
      logger: silentLogger,
      timing: { pollIntervalMs: 1000, retries: 1 },
    },
    probe: probeOf((id, t) => world.answer(id, t), clock),
    clock,
    logger: silentLogger,
    incidents: {
      findOpen: async () => undefined,
      open: async (_s, kind, _b, at) => ({ number: ++incidents, openedAt: at, kind }),
      comment: async () => undefined,
      resolve: async () => undefined,
    },
  };
  try {
    await run(deps, clock, world.end);
  } finally {
    await server.close();
  }
  return {
    dependentRestarts: ['api', 'web', 'worker'].reduce((n, id) => n + world.restarts[id].length, 0),
    dbRestarts: world.restarts.db.length,
    timeToHealthyMs: world.timesToHealthy(),
    calls,
    hourly,
    incidents,
  };
}

interface DeployRun {
  /** Per bad kind, deploy → rollback in ms (rolled back ones only). */
  toRollback: Record<'slow' | 'erroring', number[]>;
  missed: Record<'slow' | 'erroring', number>;
  falseRollbacks: number;
  good: number;
  lookups: number;
}

async function runOursDeploy(world: SlowDeployWorld): Promise<DeployRun> {
  world.reset();
  const clock = virtualClock(world.start);
  let lookups = 0;
  const config = parseConfig(
    {
      mode: 'extreme',
      services: {
        api: {
          url: 'http://127.0.0.1:9/h',
          rollbackOn: 'degraded-deploy',
          recovery: { provider: 'railway', serviceId: 'svc-bench' },
        },
      },
    },
    'bench (slow deploys)',
  );
  const provider: Provider = {
    type: 'railway',
    restart: async () => ({ ok: true, detail: 'restarted' }),
    redeploy: async () => ({ ok: true, detail: 'redeployed' }),
    deployments: async () => {
      lookups++;
      return world.history(clock.now());
    },
    rollback: async () => {
      const undone = world.rollback(clock.now());
      return {
        ok: undone !== undefined,
        detail: undone ? `rolled back ${undone.id}` : 'nothing to roll back',
      };
    },
  };
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: globalThis.fetch, clock, logger: silentLogger },
    probe: probeOf((_id, t) => world.answer(t), clock),
    clock,
    logger: silentLogger,
  };
  await run(deps, clock, world.end);
  return { ...scoreDeploys(world, (d) => d.rolledBackAt), lookups };
}

/**
 * The Argo-Rollouts-like baseline (Flagger's defaults): from the deploy, a measurement every 60 s of the last
 * minute's checks (every 5 s, the same answers as ours sees); it fails when the success rate is under 95% or the
 * p95 over 2 × the hour before the deploy; the third failed measurement rolls back. Ten measurements in all.
 */
function runArgoLike(world: SlowDeployWorld): DeployRun {
  world.reset();
  const at = new Map<string, number>();
  for (const d of world.deploys.slice(1)) {
    const before = checksIn(world, d.at - HOUR, d.at);
    const p95Before =
      percentile(
        before.filter((a) => a.ok).map((a) => a.responseMs),
        95,
      ) ?? 0;
    let failed = 0;
    for (let k = 1; k <= 10; k++) {
      const t = d.at + k * MINUTE;
      const window = checksIn(world, t - MINUTE, t);
      const ok = window.filter((a) => a.ok);
      const rate = ok.length / window.length;
      const p95 =
        percentile(
          ok.map((a) => a.responseMs),
          95,
        ) ?? 0;
      if (rate < 0.95 || p95 > 2 * p95Before) failed++;
      if (failed >= 3) {
        at.set(d.id, t);
        break;
      }
    }
  }
  return { ...scoreDeploys(world, (d) => at.get(d.id)), lookups: 0 };
}

function checksIn(world: SlowDeployWorld, from: number, to: number): Answer[] {
  const out: Answer[] = [];
  for (let t = Math.ceil(from / INTERVAL) * INTERVAL; t < to; t += INTERVAL) out.push(world.answer(t));
  return out;
}

function scoreDeploys(
  world: SlowDeployWorld,
  rolledBackAt: (d: SlowDeployWorld['deploys'][number]) => number | undefined,
): Omit<DeployRun, 'lookups'> {
  const run: Omit<DeployRun, 'lookups'> = {
    toRollback: { slow: [], erroring: [] },
    missed: { slow: 0, erroring: 0 },
    falseRollbacks: 0,
    good: 0,
  };
  for (const d of world.deploys.slice(1)) {
    const at = rolledBackAt(d);
    if (d.kind === 'good') {
      run.good++;
      if (at !== undefined) run.falseRollbacks++;
    } else if (at === undefined) run.missed[d.kind]++;
    else run.toRollback[d.kind].push(at - d.at);
  }
  return run;
}

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

/** The slow-deploy runs of the recovery section: ours (the real engine) and an Argo-Rollouts-like analysis on the same answers. */
import { parseConfig } from '../../src/config/load.js';
import type { EngineDeps } from '../../src/engine/types.js';
import type { Provider } from '../../src/providers/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { virtualClock } from '../../test/helpers/clock.js';
import { percentile } from '../lib/stats.js';
import { HOUR, INTERVAL, MINUTE, probeOf, run } from './engine.js';
import type { Answer, SlowDeployWorld } from './worlds.js';

export interface DeployRun {
  /** Per bad kind, deploy → rollback in ms (rolled back ones only). */
  toRollback: Record<'slow' | 'erroring', number[]>;
  missed: Record<'slow' | 'erroring', number>;
  falseRollbacks: number;
  good: number;
  lookups: number;
}

export async function runOursDeploy(world: SlowDeployWorld): Promise<DeployRun> {
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
export function runArgoLike(world: SlowDeployWorld): DeployRun {
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

import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import type { Provider } from '../../src/providers/types.js';
import {
  analyzeDeploy,
  binomialTail,
  DEFAULT_DEPLOY_ANALYSIS as P,
  type CheckPoint,
} from '../../src/recovery/deploy.js';
import { noteDeploy } from '../../src/engine/deploy-check.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { seededRandom } from '../helpers/random.js';
import { makeWorld } from '../helpers/world.js';

const T0 = Date.UTC(2026, 0, 1);
/** `n` checks 5 s apart from `start`, each from `answer(i)`. */
const checks = (start: number, n: number, answer: (i: number) => [number, number]): CheckPoint[] =>
  Array.from({ length: n }, (_, i) => [start + i * 5000, ...answer(i)] as CheckPoint);

describe('analyzeDeploy (pure)', () => {
  const deployAt = T0 + 60 * 5000;
  const before = checks(T0, 60, (i) => [1, 80 + (i % 7)]);

  it('calls a deploy that triples p95 clearly worse, with both numbers', () => {
    const after = checks(deployAt, 10, (i) => [1, 3 * (80 + (i % 7))]);
    const v = analyzeDeploy([...before, ...after], deployAt, P);
    expect(v.verdict).toBe('worse');
    expect(v.reason).toMatch(/p95 86ms → 258ms \(×3\)/);
    expect(v.reason).toContain('60 checks before, 10 after');
  });

  it('one slow answer decides nothing, nor do too few checks', () => {
    const oneSlow = checks(deployAt, 10, (i) => [1, i === 9 ? 5000 : 80]);
    expect(analyzeDeploy([...before, ...oneSlow], deployAt, P).verdict).toBe('undecided');
    const few = checks(deployAt, 5, () => [1, 900]);
    expect(analyzeDeploy([...before, ...few], deployAt, P)).toMatchObject({
      verdict: 'undecided',
      reason: expect.stringMatching(/^not enough checks yet/),
    });
  });

  /** Six hours of the old version at failure rate `p`, as the burn-rate series keeps it. */
  const hours = (p: number) => ({ ok: 4320 - Math.round(4320 * p), total: 4320 });

  it('a good deploy of a service that fails 1% of checks is never called worse (500 seeded deploys)', () => {
    const random = seededRandom(7);
    let worse = 0;
    for (let run = 0; run < 500; run++) {
      const flaky = (): [number, number] => (random() < 0.01 ? [0, 0] : [1, 60 + random() * 60]);
      const all = [...checks(T0, 60, flaky), ...checks(deployAt, 60, flaky)];
      const baseline = hours(0.01);
      // Looked at after every check, as the sweep does.
      for (let n = P.minChecks; n <= 60; n++)
        if (analyzeDeploy(all.slice(0, 60 + n), deployAt, P, baseline).verdict === 'worse') {
          worse++;
          break;
        }
    }
    expect(worse).toBe(0);
  });

  it('a deploy that fails 10% of requests is caught within its 60 checks most of the time', () => {
    const random = seededRandom(11);
    let caught = 0;
    for (let run = 0; run < 200; run++) {
      const all = [
        ...checks(T0, 60, () => [1, 80]),
        ...checks(deployAt, 60, () => (random() < 0.1 ? [0, 0] : [1, 80])),
      ];
      if (analyzeDeploy(all, deployAt, P, hours(0.001)).verdict === 'worse') caught++;
    }
    expect(caught).toBeGreaterThan(180);
  });

  it('binomialTail is a probability', () => {
    expect(binomialTail(0, 10, 0.1)).toBe(1);
    expect(binomialTail(11, 10, 0.1)).toBe(0);
    expect(binomialTail(1, 10, 0.1)).toBeCloseTo(1 - 0.9 ** 10, 10);
  });
});

/** A service behind a platform that lists deployments and rolls back; its p95 triples after `deploy()`. */
function deployWorld(rollbackOn: boolean) {
  const raw: RawConfigInput = {
    mode: 'extreme',
    services: {
      api: {
        url: 'http://127.0.0.1:1/h',
        recovery: { provider: 'command', restart: 'true', redeploy: 'true' },
        ...(rollbackOn ? { rollbackOn: 'degraded-deploy' as const } : {}),
      },
    },
  };
  const w = makeWorld(raw, { api: { responseMs: 80 } });
  const deployments = [
    { id: 'dep-1', status: 'SUCCESS', createdAt: new Date(T0 - 86_400_000).toISOString() },
  ];
  const lookups: number[] = [];
  const rollbacks: string[] = [];
  const rolledBackAt: number[] = [];
  const inner = w.deps.provider('command');
  const provider: Provider = {
    ...inner,
    deployments: async () => {
      lookups.push(w.clock.now());
      return { latest: deployments.at(-1), previousSuccessful: deployments.at(-2) };
    },
    rollback: async (_service, _ctx, options) => {
      rollbacks.push(options?.toDeploymentId ?? '?');
      rolledBackAt.push(w.clock.now());
      w.world.api.responseMs = 80;
      return { ok: true, detail: `rolled back to ${options?.toDeploymentId}` };
    },
  };
  w.deps.provider = () => provider;
  const incidents = new MemoryIncidentLog();
  w.deps.incidents = incidents;
  const deploy = () => {
    deployments.push({ id: 'dep-2', status: 'SUCCESS', createdAt: new Date(w.clock.now()).toISOString() });
    w.world.api.responseMs = 240;
  };
  return { ...w, incidents, lookups, rollbacks, rolledBackAt, deploy };
}

async function sweeps(w: ReturnType<typeof deployWorld>, state: UptimeState, n: number) {
  for (let i = 0; i < n; i++) {
    state = (await sweep(w.deps, state)).state;
    w.clock.advance(5000);
  }
  return state;
}

describe('deploy analysis in the sweep', () => {
  it('rolls back a deploy that triples p95 with rollbackOn: degraded-deploy, and says why with both numbers', async () => {
    const w = deployWorld(true);
    let state = await sweeps(w, emptyState(), 100);
    // A healthy service costs no platform call at all.
    expect(w.lookups).toEqual([]);
    const deployedAt = w.clock.now();
    w.deploy();
    state = await sweeps(w, state, 40);
    expect(w.rollbacks).toEqual(['dep-1']);
    // One lookup when the checks turned slow, one for the rollback's target.
    expect(w.lookups.length).toBeLessThanOrEqual(2);
    // Ten slow checks after the deploy (the minimum sample) decide it.
    expect(w.rolledBackAt[0] - deployedAt).toBe(9 * 5000);
    const issue = w.incidents.issues[0];
    expect(issue.body).toMatch(/deploy dep-2 .*p95 80ms → 240ms \(×3\)/);
    expect(issue.comments.join('\n')).toMatch(/\*\*rollback\*\* \(predictive\) of api/);
    expect(issue.open).toBe(false);
    expect(state.services.api.attempts.map((a) => a.action)).toEqual(['rollback']);
    expect(state.services.api.health.status).toBe('up');
  });

  it('without rollbackOn the same deploy is only reported', async () => {
    const w = deployWorld(false);
    let state = await sweeps(w, emptyState(), 100);
    w.deploy();
    state = await sweeps(w, state, 200);
    expect(w.rollbacks).toEqual([]);
    expect(w.calls).toEqual([]);
    expect(w.incidents.issues).toHaveLength(1);
    expect(w.incidents.issues[0].comments.join('\n')).toContain(
      'reported only: set rollbackOn: degraded-deploy on api',
    );
    // Still slow for 1,000 s: looked up once, and again at most every 10 minutes.
    expect(w.lookups.length).toBeLessThanOrEqual(3);
    expect(w.incidents.issues[0].comments.filter((c) => c.includes('Deploy analysis'))).toHaveLength(1);
    expect(state.services.api.deployChecked).toMatchObject({ id: 'dep-2', verdict: 'worse' });
  });

  it('dry-run rolls nothing back and makes no platform call; a deploy from an event needs none either', async () => {
    const w = deployWorld(true);
    w.deps.dryRun = true;
    let state = await sweeps(w, emptyState(), 100);
    const record = state.services.api;
    state = { ...state, services: { api: noteDeploy(record, 'dep-2', w.clock.now()) } };
    w.deploy();
    const events: string[] = [];
    w.deps.onEvent = (e) => {
      if (e.type === 'skipped') events.push(e.reason);
    };
    state = await sweeps(w, state, 20);
    expect(w.lookups).toEqual([]);
    expect(w.rollbacks).toEqual([]);
    expect(events.join('\n')).toMatch(/dry-run: would roll back .*deploy dep-2/);
  });

  it('respects the restart budget: no rollback when the budget is spent', async () => {
    const w = deployWorld(true);
    let state = await sweeps(w, emptyState(), 100);
    const now = w.clock.now();
    const spent = [1, 2, 3].map((i) => ({
      action: 'restart' as const,
      trigger: 'down' as const,
      at: now - i * 60_000,
      durationMs: 1000,
      providerOk: true,
      healthy: true,
      detail: 'x',
    }));
    state = { ...state, services: { api: { ...state.services.api, attempts: spent } } };
    w.deploy();
    state = await sweeps(w, state, 20);
    expect(w.rollbacks).toEqual([]);
    expect(state.services.api.attempts).toHaveLength(3);
    expect(w.incidents.issues[0].comments.join('\n')).toContain('not rolled back: the restart budget');
  });
});

describe('deploy analysis against hostile or odd platform answers', () => {
  it('a deploy older than every kept check, or dated in the future, is let go: the next bad deploy is still caught', async () => {
    for (const when of ['old', 'future'] as const) {
      const w = deployWorld(true);
      let state = await sweeps(w, emptyState(), 200);
      // A suspicion now (two slow answers) finds a deployment that can't be judged.
      const odd = when === 'old' ? w.clock.now() - 86_400_000 : w.clock.now() + 86_400_000;
      state = {
        ...state,
        services: {
          api: { ...state.services.api, deployChecked: { id: 'dep-odd', at: odd, verdict: 'undecided' } },
        },
      };
      state = await sweeps(w, state, 70);
      expect(state.services.api.deployChecked).toMatchObject({ id: 'dep-odd', verdict: 'ok' });
      w.deploy();
      state = await sweeps(w, state, 40);
      expect(w.rollbacks).toEqual(['dep-1']);
    }
  });

  it('a hostile state cannot make the engine carry huge check lists', async () => {
    const { parseStateData } = await import('../../src/state/schema.js');
    const huge = Array.from({ length: 5000 }, (_, i) => [i, 1, 50]);
    const parsed = parseStateData({
      version: 1,
      services: {
        api: {
          health: {
            status: 'up',
            since: 0,
            consecutiveFailures: 0,
            consecutiveSuccesses: 1,
            degradingStreak: 0,
            recentResponseMs: [],
          },
          checks: { ok: 0, total: 0, slow: 0, responseMsTotal: 0 },
          recentChecks: huge,
          checkSeries: 'x',
          causedBy: { evil: true },
        },
      },
      pauses: {},
      incidents: {},
      unmonitored: [],
    });
    const api = parsed.state.services.api;
    expect(api.recentChecks).toBeUndefined();
    expect(api.checkSeries).toBeUndefined();
    expect(api.causedBy).toBeUndefined();
    expect(parsed.problems.join('\n')).toMatch(/services\.api\.recentChecks reset/);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput, ServiceConfig } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import type {
  ActionResult,
  DeploymentHistory,
  LogLine,
  Provider,
  RollbackOptions,
} from '../../src/providers/types.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';

const raw: RawConfigInput = {
  mode: 'extreme',
  rollbackWindow: '30m',
  services: {
    api: {
      name: 'API',
      url: 'http://127.0.0.1:1/health',
      recovery: {
        provider: 'command',
        restart: 'true',
        redeploy: 'true',
        rollback: 'true',
        actions: ['restart', 'rollback', 'redeploy'],
      },
    },
  },
};

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

/** The world of test/helpers/world.ts with a platform that keeps deployments and logs, and can roll back. */
function deployWorld(deployedAgoMs: number, overrides: Partial<Provider> = {}) {
  const w = makeWorld(raw, { api: { restartFixes: false, redeployFixes: false } });
  const incidents = new MemoryIncidentLog();
  w.deps.incidents = incidents;
  const order: string[] = [];
  const rollbacks: RollbackOptions[] = [];
  const deployedAt = w.clock.now() - deployedAgoMs;
  const history: DeploymentHistory = {
    latest: {
      id: 'dep-bad',
      status: 'SUCCESS',
      createdAt: new Date(deployedAt).toISOString(),
      commitSha: 'abc1234def',
      commitMessage: 'feat: new cache',
    },
    previousSuccessful: {
      id: 'dep-good',
      status: 'SUCCESS',
      createdAt: new Date(deployedAt - 86_400_000).toISOString(),
    },
  };
  const logs: LogLine[] = [
    { message: 'boot v2' },
    { message: 'Authorization: Bearer s3cr3tTok3nValue123' },
    { message: 'connecting to postgres://app:hunter2pass@db.internal:5432/app' },
    { message: `session ${JWT}` },
    { message: 'API_KEY=sk_live_abcdefghijklmnop1234' },
    { message: 'fatal: cannot read property of undefined' },
  ];
  const base = w.deps.provider('command');
  const provider: Provider = {
    type: 'command',
    restart: (s: ServiceConfig, ctx) => {
      order.push('restart');
      return base.restart(s, ctx);
    },
    redeploy: (s: ServiceConfig, ctx) => {
      order.push('redeploy');
      return base.redeploy(s, ctx);
    },
    deployments: async () => {
      order.push('deployments');
      return history;
    },
    logs: async () => logs,
    rollback: async (_s, _ctx, options = {}): Promise<ActionResult> => {
      order.push('rollback');
      rollbacks.push(options);
      w.world.api.up = true;
      return { ok: true, detail: `rolled back to ${options.toDeploymentId}` };
    },
    ...overrides,
  };
  w.deps.provider = () => provider;
  return { ...w, incidents, order, rollbacks };
}

async function run(w: ReturnType<typeof deployWorld>, n: number) {
  let state: UptimeState = emptyState();
  w.world.api.up = false;
  for (let i = 0; i < n; i++) {
    state = (await sweep(w.deps, state)).state;
    w.clock.advance(5000);
  }
  return state;
}

describe('rollback step', () => {
  it('is taken for an outage right after a deploy: restart does not help, rollback to the previous deployment does', async () => {
    const w = deployWorld(2 * 60_000);
    await run(w, 60);
    expect(w.order.filter((o) => o !== 'deployments')).toEqual(['restart', 'rollback']);
    expect(w.rollbacks).toEqual([{ toDeploymentId: 'dep-good' }]);
    const issue = w.incidents.issues[0];
    expect(issue.open).toBe(false);
    const text = issue.comments.join('\n');
    expect(text).toMatch(/This outage began \d+m( \d+s)? after deploy `dep-bad`/);
    expect(text).toContain('commit `abc1234def` “feat: new cache”');
    expect(text).toMatch(/\*\*rollback\*\*/);
    expect(text).toMatch(/rollback brought it back/);
  });

  it('is skipped for an outage that did not follow a deploy, with the reason in the timeline; the ladder moves on', async () => {
    const w = deployWorld(3 * 3_600_000);
    await run(w, 60);
    expect(w.order).not.toContain('rollback');
    expect(w.order.filter((o) => o !== 'deployments')).toEqual(['restart', 'redeploy']);
    const skipped = w.events.filter((e) => e.type === 'skipped' && /rollback/.test(e.reason));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      reason: expect.stringMatching(/^skipped rollback: the outage began 3h .*after the last deploy/),
    });
    expect(w.incidents.issues[0].comments.join('\n')).toContain('skipped rollback: the outage began 3h');
  });

  it('keeps secrets in log lines out of the incident', async () => {
    const w = deployWorld(2 * 60_000);
    await run(w, 60);
    const all = [w.incidents.issues[0].body, ...w.incidents.issues[0].comments].join('\n');
    expect(all).toContain('fatal: cannot read property of undefined');
    for (const secret of ['s3cr3tTok3nValue123', 'hunter2pass', JWT, 'sk_live_abcdefghijklmnop1234'])
      expect(all).not.toContain(secret);
    expect(all).toContain('Bearer ***');
    expect(all).toMatch(/<details><summary>Forensics/);
  });

  it('a failing, slow platform never delays recovery: the restart runs before forensics give up, said once', async () => {
    let fail: (e: Error) => void = () => {};
    let failed = false;
    const w = deployWorld(2 * 60_000, {
      deployments: () =>
        new Promise((_, reject) => {
          w.order.push('deployments');
          if (failed) return reject(new Error('HTTP 503 from the platform'));
          fail = (e) => {
            failed = true;
            w.order.push('deployments failed');
            reject(e);
          };
        }),
    });
    const restart = w.deps.provider('command').restart;
    w.deps.provider('command').restart = async (s, ctx) => {
      const result = await restart(s, ctx);
      fail(new Error('HTTP 503 from the platform'));
      return result;
    };
    await run(w, 3);
    expect(w.order.slice(0, 3)).toEqual(['deployments', 'restart', 'deployments failed']);
    const text = w.incidents.issues[0].comments.join('\n');
    expect(text.match(/cannot give deployments: HTTP 503 from the platform/g)).toHaveLength(1);
  });

  it('a predictive restart shows the response-time trend that triggered it', async () => {
    const w = deployWorld(3 * 3_600_000);
    let state: UptimeState = emptyState();
    for (const ms of [50, 50, 3000, 4000, 5500]) {
      w.world.api.responseMs = ms;
      state = (await sweep(w.deps, state)).state;
      w.clock.advance(5000);
    }
    expect(w.order.filter((o) => o !== 'deployments')).toEqual(['restart']);
    const text = w.incidents.issues[0].comments.join('\n');
    expect(text).toMatch(/Response-time trend before the predictive restart: .*3000 ms → 4000 ms → 5500 ms/);
    expect(text).toContain('The outage began 3h after the last deploy (outside rollbackWindow, 30m).');
  });

  it('never rolls back a service whose latest probe passed', async () => {
    const { decideRollback } = await import('../../src/recovery/rollback.js');
    const d = decideRollback({
      serviceName: 'API',
      history: {
        latest: { id: 'a', status: 'SUCCESS', createdAt: '2026-01-01T00:00:00Z' },
        previousSuccessful: { id: 'b', status: 'SUCCESS', createdAt: '2025-12-31T00:00:00Z' },
      },
      outageStart: Date.parse('2026-01-01T00:01:00Z'),
      windowMs: 1_800_000,
      latestProbeOk: true,
    });
    expect(d).toEqual({ take: false, reason: 'skipped rollback: API answered healthy on its latest check' });
  });
});

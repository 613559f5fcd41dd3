import { describe, expect, it } from '@jest/globals';
import { PRESET_TUNING } from '../../src/config/presets.js';
import { parseConfig } from '../../src/config/load.js';
import { budgetFor, nextAction } from '../../src/recovery/planner.js';
import { emptyRecord } from '../../src/state/records.js';
import type { RecoveryAttempt, ServiceRecord } from '../../src/state/types.js';

const tuning = {
  ...PRESET_TUNING.balanced,
  restartAttemptDelay: 10_000,
  restartBudget: 3,
  restartWindow: 3_600_000,
};
const config = parseConfig(
  {
    services: {
      api: {
        url: 'http://127.0.0.1:1/health',
        recovery: { provider: 'command', restart: 'true', redeploy: 'true' },
      },
      bare: { url: 'http://127.0.0.1:2/health' },
    },
  },
  'test',
);
const api = config.services.api;

function downRecord(overrides: Partial<ServiceRecord> = {}): ServiceRecord {
  const r = emptyRecord(0);
  return { ...r, health: { ...r.health, status: 'down', lastError: 'HTTP 503' }, ...overrides };
}
const attempt = (at: number, action: 'restart' | 'redeploy' = 'restart'): RecoveryAttempt => ({
  action,
  trigger: 'down',
  at,
  durationMs: 1000,
  providerOk: true,
  healthy: false,
  detail: '',
});

describe('recovery planner', () => {
  it('does nothing for a healthy service', () => {
    const r = emptyRecord(0);
    expect(
      nextAction({
        service: api,
        record: { ...r, health: { ...r.health, status: 'up' } },
        tuning,
        now: 0,
        paused: false,
      }),
    ).toEqual({ kind: 'none' });
  });

  it('restarts a down service first, then redeploys, then escalates', () => {
    expect(nextAction({ service: api, record: downRecord(), tuning, now: 0, paused: false })).toMatchObject({
      kind: 'act',
      item: { action: 'restart', trigger: 'down' },
    });
    const afterRestart = downRecord({ ladderStep: 1, attempts: [attempt(0)] });
    expect(
      nextAction({ service: api, record: afterRestart, tuning, now: 60_000, paused: false }),
    ).toMatchObject({ kind: 'act', item: { action: 'redeploy' } });
    const afterRedeploy = downRecord({ ladderStep: 2, attempts: [attempt(0), attempt(60_000, 'redeploy')] });
    const decision = nextAction({ service: api, record: afterRedeploy, tuning, now: 120_000, paused: false });
    expect(decision).toMatchObject({ kind: 'act', item: { action: 'escalate' } });
    expect(decision.kind === 'act' && decision.item.reason).toMatch(/ladder is used up/);
  });

  it('never recovers a paused service', () => {
    expect(nextAction({ service: api, record: downRecord(), tuning, now: 0, paused: true })).toEqual({
      kind: 'none',
    });
  });

  it('escalates at once when there is no recovery configured, and only once', () => {
    const bare = config.services.bare;
    expect(nextAction({ service: bare, record: downRecord(), tuning, now: 0, paused: false })).toMatchObject({
      kind: 'act',
      item: { action: 'escalate' },
    });
    expect(
      nextAction({ service: bare, record: downRecord({ escalatedAt: 0 }), tuning, now: 1, paused: false }),
    ).toEqual({ kind: 'none' });
  });

  it('backs off exponentially between attempts', () => {
    const one = downRecord({ attempts: [attempt(0)] });
    const wait = nextAction({ service: api, record: one, tuning, now: 5_000, paused: false });
    expect(wait).toMatchObject({ kind: 'wait', nextAttemptAt: 11_000 });
    const two = downRecord({ ladderStep: 0, attempts: [attempt(0), attempt(20_000)] });
    expect(budgetFor(two, tuning, 25_000).nextAllowedAt).toBe(20_000 + 1000 + 20_000);
  });

  it('escalates when the budget is used up and says when the next attempt is allowed', () => {
    const three = downRecord({ attempts: [attempt(0), attempt(600_000), attempt(1_200_000)] });
    const b = budgetFor(three, tuning, 1_300_000);
    expect(b).toMatchObject({ used: 3, exhausted: true, nextAllowedAt: 3_600_000 });
    const d = nextAction({ service: api, record: three, tuning, now: 1_300_000, paused: false });
    expect(d.kind === 'act' && d.item).toMatchObject({ action: 'escalate' });
    expect(d.kind === 'act' && d.item.reason).toMatch(/budget is used up \(3 recoveries in the last 1h\)/);
  });

  it('restarts a degrading service predictively only when predictiveRestart is on', () => {
    const r = emptyRecord(0);
    const degraded = { ...r, health: { ...r.health, status: 'degraded' as const, degradingStreak: 3 } };
    expect(nextAction({ service: api, record: degraded, tuning, now: 0, paused: false })).toMatchObject({
      kind: 'act',
      item: { action: 'restart', trigger: 'predictive' },
    });
    expect(
      nextAction({
        service: api,
        record: degraded,
        tuning: { ...tuning, predictiveRestart: false },
        now: 0,
        paused: false,
      }),
    ).toEqual({ kind: 'none' });
  });
});

import { describe, expect, it } from '@jest/globals';
import { resolveTuning } from '../../src/config/presets.js';
import { parseConfig } from '../../src/config/load.js';
import { planSweep, type ServiceObservation, type SweepPlan } from '../../src/engine/plan.js';
import { notificationEvents } from '../../src/notify/events.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { ServiceRecord, UptimeState } from '../../src/state/types.js';

/** planSweep with plain values: no mocks, no I/O, no clock. */
const config = parseConfig(
  {
    mode: 'normal',
    maxConsecutiveFailures: 2,
    successThreshold: 2,
    assignees: ['alice'],
    services: {
      api: {
        name: 'API',
        url: 'http://127.0.0.1:1/health',
        recovery: { provider: 'command', restart: 'true', redeploy: 'true' },
      },
    },
  },
  'test',
);
const tuning = resolveTuning(config, 'normal');
/** What the notify targets would be told of a plan (the publisher's own derivation). */
const told = (p: SweepPlan) =>
  notificationEvents(p.events, p.state, config).map((n) => ({
    type: n.transition,
    service: n.service,
    at: n.at,
    reason: n.reason,
  }));
const NOW = Date.UTC(2026, 5, 1);
const ok = (at = NOW): ProbeResult => ({
  service: 'api',
  ok: true,
  kind: 'ok',
  status: 200,
  responseMs: 40,
  at,
});
const fail = (at = NOW): ProbeResult => ({
  service: 'api',
  ok: false,
  kind: 'status',
  status: 503,
  responseMs: 5,
  at,
  error: 'HTTP 503',
});
const plan = (state: UptimeState, seen: ServiceObservation | undefined) =>
  planSweep({
    config,
    state,
    observations: new Map(seen ? [['api', seen]] : []),
    now: NOW,
    mode: 'normal',
    tuning,
  });
const withRecord = (record: Partial<ServiceRecord>, extra: Partial<UptimeState> = {}): UptimeState => ({
  ...emptyState(),
  ...extra,
  services: { api: { ...emptyRecord(NOW - 60_000), ...record } },
});
const down = (over: Partial<ServiceRecord['health']> = {}): Partial<ServiceRecord> => ({
  health: { ...emptyRecord(0).health, status: 'down', consecutiveFailures: 3, since: NOW - 60_000, ...over },
  outages: [{ start: NOW - 60_000 }],
});

describe('planSweep', () => {
  it('a failing first check is shown failing, not up, and decides nothing else yet', () => {
    const p = plan(emptyState(), { first: fail() });
    expect(p.services.api.status).toBe('degraded');
    expect(p.services.api.error).toBe('HTTP 503');
    expect(p.recoveries).toEqual([]);
    expect(p.incidents).toEqual([]);
    expect(told(p)).toEqual([]);
  });

  it('a confirmed failure: down, an incident to open, a down notification and the first ladder step', () => {
    const state = withRecord({ health: { ...emptyRecord(0).health, status: 'up', consecutiveFailures: 1 } });
    const p = plan(state, { first: fail(), confirm: fail() });
    expect(p.services.api.status).toBe('down');
    expect(p.incidents.map((a) => a.type)).toEqual(['open']);
    expect(told(p)).toEqual([{ type: 'down', service: 'api', at: NOW, reason: 'HTTP 503' }]);
    expect(p.recoveries.map((r) => [r.action, r.trigger])).toEqual([['restart', 'down']]);
    expect(state.services.api.health.status).toBe('up'); // the input is not mutated
  });

  it('a down service whose latest probe passed gets no next step: it is recovering', () => {
    const failedRestart = {
      id: 'a1',
      action: 'restart' as const,
      trigger: 'down' as const,
      at: NOW - 30_000,
      durationMs: 20_000,
      providerOk: true,
      healthy: false,
      detail: 'restart requested',
    };
    const state = withRecord({ ...down(), ladderStep: 1, attempts: [failedRestart] });
    const p = plan(state, { first: ok() });
    expect(p.recoveries).toEqual([]);
    expect(p.services.api.status).toBe('down');
    expect(p.events).toContainEqual(
      expect.objectContaining({ type: 'skipped', reason: expect.stringContaining('recovering') }),
    );
  });

  it('back after successThreshold answers with no action of this sweep: resolved as "came back on its own"', () => {
    const failedRestart = {
      id: 'a1',
      action: 'restart' as const,
      trigger: 'down' as const,
      at: NOW - 30_000,
      durationMs: 20_000,
      providerOk: true,
      healthy: false,
      detail: 'restart requested',
    };
    const state = withRecord(
      {
        ...down({ consecutiveSuccesses: 1, consecutiveFailures: 0 }),
        ladderStep: 1,
        attempts: [failedRestart],
      },
      { incidents: { api: { number: 7, openedAt: NOW - 60_000, kind: 'down' } } },
    );
    const p = plan(state, { first: ok() });
    expect(p.services.api.status).toBe('up');
    expect(p.recoveries).toEqual([]);
    const resolve = p.incidents.find((a) => a.type === 'resolve');
    expect(resolve).toMatchObject({ service: 'api', durationMs: 60_000 });
    expect(resolve?.type === 'resolve' && resolve.body).toContain(
      'came back on its own; the last restart did not bring it back',
    );
    expect(told(p).map((n) => n.type)).toEqual(['resolved']);
    expect(p.state.services.api.ladderStep).toBe(0);
    expect(p.state.services.api.outages[0].end).toBe(NOW);
  });

  it('a used-up ladder escalates once: the incident gets the mention and people are notified', () => {
    const state = withRecord({ ...down(), ladderStep: 2 });
    const p = plan(state, { first: fail() });
    expect(p.recoveries).toEqual([]);
    expect(p.incidents.map((a) => a.type)).toEqual(['open', 'comment']);
    expect(p.incidents[1].type === 'comment' && p.incidents[1].body).toContain('@alice');
    expect(told(p).map((n) => n.type)).toEqual(['escalated']);
    expect(p.state.services.api.escalatedAt).toBe(NOW);
    const again = plan(p.state, { first: fail() });
    expect(told(again)).toEqual([]);
  });

  it('a paused service is not planned for', () => {
    const state = withRecord(down(), { pauses: { api: { at: NOW - 1, until: NOW + 60_000 } } });
    const p = plan(state, undefined);
    expect(p.services.api.status).toBe('paused');
    expect(p.recoveries).toEqual([]);
  });
});

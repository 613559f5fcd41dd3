import { describe, expect, it } from '@jest/globals';
import {
  DAY_MS,
  HOUR_MS,
  historyWantsWrite,
  recordSweep,
  samplesFromEvents,
  type StateWithHistory,
} from '../../src/history/index.js';
import { claimNotifications } from '../../src/notify/index.js';
import { emptyState, initialHealth } from '../../src/state/records.js';
import type { NotificationEvent } from '../../src/state/types.js';
import type { EngineEvent } from '../../src/outcome/types.js';

const T0 = Date.UTC(2026, 10, 1);
const check = (service: string, ok: boolean, responseMs: number, at: number): EngineEvent => ({
  type: 'check',
  service,
  result: { service, ok, kind: ok ? 'ok' : 'status', responseMs, at, status: ok ? 200 : 503 },
  health: initialHealth(at),
});

describe('recordSweep (what the engine calls after each sweep)', () => {
  it('historyWantsWrite says exactly when recordSweep would change the state, without building a bucket', () => {
    // A day and a half of sweeps over two services, some hours skipped, incidents opening and closing, and
    // sometimes a write that lands (the state moves on) and sometimes not (the samples pile up).
    let state: StateWithHistory = emptyState();
    let pending: Record<string, { ok: boolean; responseMs?: number }[]> = {};
    let asked = 0;
    let wanted = 0;
    for (let i = 0, at = T0 + 1000; i < 900; i++, at += (i % 97 === 0 ? 3 * HOUR_MS : 0) + 137_000) {
      for (const [id, list] of Object.entries(
        samplesFromEvents([check(i % 3 ? 'api' : 'web', i % 7 !== 0, 90, at)]),
      ))
        (pending[id] ??= []).push(...list);
      if (i % 50 === 10) state = { ...state, incidents: { api: { number: i, openedAt: at, kind: 'down' } } };
      if (i % 50 === 30) state = { ...state, incidents: {} };
      const next = recordSweep(state, pending, at);
      expect(historyWantsWrite(state, pending, at)).toBe(next !== state);
      asked++;
      if (next !== state) wanted++;
      if (i % 4 !== 3) {
        state = next;
        pending = {};
      }
    }
    // Both answers came up many times.
    expect(wanted).toBeGreaterThan(40);
    expect(asked - wanted).toBeGreaterThan(400);
  });

  it('a healthy repository checked every 5 minutes changes the state 24 times a day', () => {
    let state: StateWithHistory = emptyState();
    let writes = 0;
    for (let at = T0 + 3000; at < T0 + DAY_MS; at += 5 * 60_000) {
      const samples = samplesFromEvents([check('api', true, 120, at), check('web', true, 80, at)]);
      const next = recordSweep(state, samples, at, { services: ['api', 'web'] });
      if (next !== state) writes++;
      state = next;
    }
    expect(writes).toBe(24);
    expect(state.history!.services.api.hourly).toHaveLength(24);
    expect(state.history!.services.web.daily[0]).toMatchObject({ ok: 24, total: 24, p50: 80 });
  });

  it('merges into the hour on a transition write, and logs the incident for the page', () => {
    let state: StateWithHistory = recordSweep(
      emptyState(),
      samplesFromEvents([check('api', true, 100, T0)]),
      T0,
    );
    state = { ...state, incidents: { api: { number: 9, openedAt: T0 + 60_000, kind: 'down' } } };
    const failed = samplesFromEvents([
      check('api', false, 10_000, T0 + 60_000),
      check('api', false, 10_000, T0 + 61_000),
    ]);
    state = recordSweep(state, failed, T0 + 61_000, { merge: true });
    expect(state.history!.services.api.hourly[0]).toMatchObject({ ok: 1, total: 3, max: 100 });
    expect(state.history!.incidents).toEqual([
      { service: 'api', number: 9, kind: 'down', openedAt: T0 + 60_000 },
    ]);
    const resolved = recordSweep({ ...state, incidents: {} }, {}, T0 + HOUR_MS / 2);
    expect(resolved.history!.incidents[0].closedAt).toBe(T0 + HOUR_MS / 2);
  });

  it('claimNotifications claims only what is not yet recorded', () => {
    const e: NotificationEvent = {
      id: 'api:down:#9',
      service: 'api',
      serviceName: 'API',
      transition: 'down',
      at: T0,
      reason: 'x',
    };
    const first = claimNotifications(emptyState() as StateWithHistory, [e]);
    expect(first.claimed).toEqual([e]);
    expect(claimNotifications(first.state, [e]).claimed).toEqual([]);
  });
});

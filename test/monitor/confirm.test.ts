import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import { CONFIRM_POLICY, SINGLE_CONFIRM_POLICY, confirmDone } from '../../src/monitor/machine.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };
const config: RawConfigInput = {
  mode: 'extreme',
  services: { api: { name: 'API', url: 'http://127.0.0.1:1/health', recovery } },
};

/** Runs `n` sweeps 5 s apart in virtual time, carrying the state. */
async function sweeps(w: ReturnType<typeof makeWorld>, state: UptimeState, n: number) {
  for (let i = 0; i < n; i++) {
    state = (await sweep(w.deps, state)).state;
    w.clock.advance(5000);
  }
  return state;
}

const downEvents = (w: ReturnType<typeof makeWorld>) =>
  w.events.filter((e) => e.type === 'status' && e.to === 'down');

describe('confirm re-probes before "down" (correlated flakes)', () => {
  it('two flaky answers in a row (the check and its first confirm) restart nothing', async () => {
    const w = makeWorld(config, {});
    let state = await sweeps(w, emptyState(), 3);
    w.world.api.flakyNext = 2;
    state = await sweeps(w, state, 3);
    expect(downEvents(w)).toEqual([]);
    expect(w.calls).toEqual([]);
    expect(state.services.api.health.status).toBe('up');
  });

  it('the previous one-confirm policy would have restarted the healthy service (the test can fail)', async () => {
    const w = makeWorld(config, {});
    w.deps.confirmPolicy = SINGLE_CONFIRM_POLICY;
    const state = await sweeps(w, emptyState(), 3);
    w.world.api.flakyNext = 2;
    await sweeps(w, state, 3);
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
  });

  it('a real outage is still detected on the first check that sees it, and recovered', async () => {
    const w = makeWorld(config, {});
    let state = await sweeps(w, emptyState(), 3);
    w.world.api.up = false;
    state = (await sweep(w.deps, state)).state;
    expect(downEvents(w)).toHaveLength(1);
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
    state = await sweeps(w, state, 3);
    expect(state.services.api.health.status).toBe('up');
  });

  it('a hanging service is confirmed once: one check and one confirm, each a whole timeout, then "down"', async () => {
    const w = makeWorld(config, {});
    let state = await sweeps(w, emptyState(), 2);
    const probes: ProbeResult[] = [];
    const healthy = w.deps.probe;
    w.deps.probe = async (service, options) => {
      await w.clock.sleep(service.timeout);
      const result: ProbeResult = {
        service: service.id,
        ok: false,
        kind: 'timeout',
        responseMs: service.timeout,
        at: w.clock.now(),
        error: 'timed out',
        confirm: options?.confirm,
      };
      probes.push(result);
      return result;
    };
    state = (await sweep(w.deps, state)).state;
    // The check, one confirm, and then "down" at the confirm's answer (later probes verify the recovery).
    expect(probes.slice(0, 2).map((p) => Boolean(p.confirm))).toEqual([false, true]);
    expect(downEvents(w)).toEqual([expect.objectContaining({ at: probes[1].at })]);
    w.deps.probe = healthy;
    expect(state.services.api.health.status).not.toBe('up');
  });
});

describe('confirmDone', () => {
  const at = 0;
  const fast: ProbeResult = { service: 's', ok: false, kind: 'refused', responseMs: 1, at, confirm: true };
  const slow: ProbeResult = {
    service: 's',
    ok: false,
    kind: 'timeout',
    responseMs: 10_000,
    at,
    confirm: true,
  };
  const ok: ProbeResult = {
    service: 's',
    ok: true,
    kind: 'ok',
    status: 200,
    responseMs: 40,
    at,
    confirm: true,
  };

  it('fast failures twice, timeouts once, a healthy answer ends the round', () => {
    expect(confirmDone([])).toBe(false);
    expect(confirmDone([fast])).toBe(false);
    expect(confirmDone([fast, fast])).toBe(true);
    expect(confirmDone([slow])).toBe(true);
    expect(confirmDone([fast, slow])).toBe(true);
    expect(confirmDone([ok])).toBe(true);
    expect(confirmDone([fast, ok])).toBe(true);
    expect(confirmDone([fast], SINGLE_CONFIRM_POLICY)).toBe(true);
    expect(CONFIRM_POLICY).toEqual({ fastFailures: 2, timeouts: 1 });
  });
});

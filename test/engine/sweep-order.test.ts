import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput, ServiceConfig } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };

/** `n` services a…, probed one at a time, so the order the probes start in is the order they ran in. */
function manyServices(n: number, extra: Partial<RawConfigInput> = {}): RawConfigInput {
  const services: Record<string, { url: string; timeout: string; recovery: typeof recovery }> = {};
  for (let i = 0; i < n; i++)
    services[`s${i}`] = { url: `http://127.0.0.1:${i + 1}/health`, timeout: '10s', recovery };
  // normal: a failure needs 3 in a row before recovery, so these two-sweep tests only probe.
  return { mode: 'normal', probeConcurrency: 1, ...extra, services };
}

/** A world whose `hanging` services time out (the whole 10 s) and whose probes are recorded in start order. */
function recordingWorld(raw: RawConfigInput, hanging: Set<string>) {
  const w = makeWorld(raw, {});
  const started: string[] = [];
  const base = w.deps.probe;
  w.deps.probe = async (service: ServiceConfig, options?: { confirm?: boolean }): Promise<ProbeResult> => {
    started.push(service.id);
    if (!hanging.has(service.id)) return base(service, options);
    const at = w.clock.now();
    return {
      service: service.id,
      ok: false,
      kind: 'timeout',
      responseMs: service.timeout,
      at,
      error: 'timed out after 10s',
      ...(options?.confirm ? { confirm: true } : {}),
    };
  };
  return { ...w, started };
}

describe('the order a sweep starts its probes in', () => {
  it('starts the services whose last check was slowest first (a hanging one never waits for a free slot)', async () => {
    const w = recordingWorld(manyServices(6), new Set(['s4']));
    const first = await sweep(w.deps, emptyState());
    // Nothing known yet: config order.
    expect(w.started).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    w.started.length = 0;
    w.clock.advance(5000);
    await sweep(w.deps, first.state);
    // s4 took the whole timeout last time: it starts first, the rest in config order.
    expect(w.started[0]).toBe('s4');
    expect(w.started.slice(1).filter((id) => id !== 's4')).toEqual(['s0', 's1', 's2', 's3', 's5']);
  });

  it('reports the services in config order whatever order their probes ran in', async () => {
    const w = recordingWorld(manyServices(4), new Set(['s2']));
    const first = await sweep(w.deps, emptyState());
    w.clock.advance(5000);
    const second = await sweep(w.deps, first.state);
    expect(Object.keys(second.services)).toEqual(['s0', 's1', 's2', 's3']);
    expect(second.services.s2.status).not.toBe('up');
    expect(second.services.s0.status).toBe('up');
  });

  it('remembers how long the last check took, failed or not, in the state', async () => {
    const w = recordingWorld(manyServices(2), new Set(['s1']));
    const { state } = await sweep(w.deps, emptyState());
    expect(state.services.s1.health.lastCheckMs).toBe(10_000);
    expect(state.services.s0.health.lastCheckMs).toBe(50);
  });

  it('a state file written before lastCheckMs existed is ordered by its last response time', async () => {
    const w = recordingWorld(manyServices(3), new Set());
    const { state } = await sweep(w.deps, emptyState());
    const old: UptimeState = structuredClone(state);
    for (const record of Object.values(old.services)) delete record.health.lastCheckMs;
    old.services.s2.health.lastResponseMs = 4000;
    w.started.length = 0;
    await sweep(w.deps, old);
    expect(w.started).toEqual(['s2', 's0', 's1']);
  });
});

describe('a probe the monitor itself could not make (out of file descriptors)', () => {
  /** Every probe of `s0` fails with the monitor's own EMFILE, as probeService reports it. */
  function outOfSockets() {
    const w = makeWorld(manyServices(2, { probeConcurrency: 2 }), {});
    const base = w.deps.probe;
    w.deps.probe = async (service, options) =>
      service.id === 's0'
        ? {
            service: service.id,
            ok: false,
            kind: 'network',
            local: true,
            responseMs: 0,
            at: w.clock.now(),
            error: 'the monitor could not open a connection (EMFILE: out of file descriptors or sockets)',
          }
        : base(service, options);
    return w;
  }

  it('is not a failed check: no failure counted, no recovery, the sweep says why it was skipped', async () => {
    const w = outOfSockets();
    let state = emptyState();
    for (let i = 0; i < 20; i++) {
      const result = await sweep(w.deps, state);
      state = result.state;
      expect(result.services.s0.error).toMatch(/EMFILE/);
      w.clock.advance(5000);
    }
    expect(w.calls).toEqual([]);
    expect(state.services.s0?.health.consecutiveFailures ?? 0).toBe(0);
    expect(w.events.filter((e) => e.type === 'status' && e.service === 's0')).toEqual([]);
    expect(w.events).toContainEqual(
      expect.objectContaining({
        type: 'skipped',
        service: 's0',
        reason: expect.stringMatching(/not checked/),
      }),
    );
    // The other service is checked as usual.
    expect(state.services.s1.checks.total).toBe(20);
  });
});

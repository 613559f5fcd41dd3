import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput } from '../../src/config/schema.js';
import { mergeSweep, sweep } from '../../src/engine/sweep.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { seededRandom } from '../helpers/random.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };
const twoServices = (mode: 'normal' | 'extreme' = 'extreme'): RawConfigInput => ({
  mode,
  services: {
    backend: { name: 'Backend Node.js', url: 'http://127.0.0.1:1/health', recovery },
    coqui: { name: 'Coqui Voice Service', url: 'http://127.0.0.1:2/health', recovery },
  },
});

/** Runs `n` sweeps one interval apart, carrying the state. */
async function sweeps(w: ReturnType<typeof makeWorld>, state: UptimeState, n: number, intervalMs = 5000) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const r = await sweep(w.deps, state);
    results.push(r);
    state = r.state;
    w.clock.advance(intervalMs);
  }
  return { state, results };
}

describe('sweep', () => {
  it('1% isolated flaky answers over 10,000 checks at the extreme preset cause zero recoveries', async () => {
    const w = makeWorld(twoServices('extreme'), {});
    const random = seededRandom(42);
    let state = emptyState();
    let flaky = 0;
    for (let i = 0; i < 5000; i++) {
      for (const id of ['backend', 'coqui']) {
        if (random() < 0.01) {
          w.world[id].flakyNext = 1;
          flaky++;
        }
      }
      state = (await sweep(w.deps, state)).state;
      w.clock.advance(5000);
    }
    expect(flaky).toBeGreaterThan(60);
    expect(w.calls).toEqual([]);
    expect(w.events.filter((e) => e.type === 'status' && e.to === 'down')).toEqual([]);
    expect(state.services.backend.checks.total).toBe(5000);
  });

  it('recovers a dead service: restart, then redeploy, then escalation — never more than the budget', async () => {
    const w = makeWorld(
      { ...twoServices(), assignees: ['alice'] },
      { backend: { restartFixes: false, redeployFixes: false } },
    );
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    w.world.backend.up = false;
    const { state } = await sweeps(w, emptyState(), 200);
    expect(w.calls).toEqual([
      { service: 'backend', action: 'restart' },
      { service: 'backend', action: 'redeploy' },
    ]);
    expect(w.events.filter((e) => e.type === 'escalated')).toHaveLength(1);
    expect(state.services.backend.escalatedAt).toBeDefined();
    expect(incidents.issues).toHaveLength(1);
    expect(incidents.issues[0].open).toBe(true);
    expect(incidents.issues[0].comments.at(-1)).toMatch(/Escalated to humans.*@alice/s);
  });

  it('a service that keeps crashing gets at most restartBudget recoveries per window, then escalation', async () => {
    const w = makeWorld(twoServices(), {});
    let state = emptyState();
    for (let crash = 0; crash < 6; crash++) {
      w.world.backend.up = false;
      state = (await sweeps(w, state, 30)).state;
    }
    expect(w.calls.filter((c) => c.service === 'backend')).toHaveLength(3);
    expect(w.events.filter((e) => e.type === 'escalated')[0]).toMatchObject({
      reason: expect.stringMatching(/restart budget is used up/),
    });
  });

  it('detects, restarts and resolves: the incident is opened once and closed with the duration', async () => {
    const w = makeWorld(twoServices(), {});
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    let { state } = await sweeps(w, emptyState(), 2);
    w.world.coqui.up = false;
    const r = await sweep(w.deps, state);
    state = r.state;
    expect(r.services.coqui).toMatchObject({ status: 'up', recovered: true });
    expect(r.services.coqui.attempts[0]).toMatchObject({
      action: 'restart',
      healthy: true,
      providerOk: true,
    });
    expect(r.changed).toBe(true);
    expect(incidents.issues).toHaveLength(1);
    expect(incidents.issues[0]).toMatchObject({ service: 'coqui', open: false });
    expect(incidents.issues[0].comments.at(-1)).toMatch(/^🟢 Resolved after \d/);
    expect(state.incidents.coqui).toBeUndefined();
    expect(state.services.coqui.outages).toHaveLength(1);
    expect(state.services.coqui.outages[0].end).toBeDefined();
  });

  it('records the provider retries in the attempt and the incident timeline', async () => {
    const w = makeWorld(twoServices(), { coqui: { flakyProvider: true } });
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    w.world.coqui.up = false;
    const r = await sweep(w.deps, emptyState());
    expect(r.services.coqui.attempts[0].detail).toMatch(
      /after 1 retry: restart got HTTP 502; retrying in 1s/,
    );
    expect(incidents.issues[0].comments.join('\n')).toMatch(/after 1 retry/);
  });

  it('recovers two services in parallel when parallelRecovery is on', async () => {
    const w = makeWorld(twoServices(), {});
    w.world.backend.up = false;
    w.world.coqui.up = false;
    const r = await sweep(w.deps, emptyState());
    expect(w.calls.map((c) => c.service).sort()).toEqual(['backend', 'coqui']);
    expect(r.services.backend.recovered && r.services.coqui.recovered).toBe(true);
    expect(w.maxInFlight()).toBe(2);
    const w2 = makeWorld({ ...twoServices(), parallelRecovery: false }, {});
    w2.world.backend.up = false;
    w2.world.coqui.up = false;
    await sweep(w2.deps, emptyState());
    expect(w2.calls).toHaveLength(2);
    expect(w2.maxInFlight()).toBe(1);
  });

  it('restarts a degrading service before it falls over (predictive restart)', async () => {
    const w = makeWorld(twoServices(), {});
    let { state } = await sweeps(w, emptyState(), 2);
    for (const ms of [3000, 4000, 5500]) {
      w.world.coqui.responseMs = ms;
      state = (await sweeps(w, state, 1)).state;
    }
    expect(w.calls).toEqual([{ service: 'coqui', action: 'restart' }]);
    expect(state.services.coqui.predictiveRestarts).toBe(1);
    expect(state.services.coqui.health.status).toBe('up');
    expect(state.services.coqui.attempts[0].trigger).toBe('predictive');
  });

  it('does not check or recover a paused service', async () => {
    const w = makeWorld(twoServices(), {});
    w.world.backend.up = false;
    const state = { ...emptyState(), pauses: { backend: { at: 0 } } };
    const r = await sweep(w.deps, state);
    expect(r.services.backend.status).toBe('paused');
    expect(w.calls).toEqual([]);
    expect(r.state.services.backend).toBeUndefined();
  });

  it('dry-run plans but calls no provider and writes no incident', async () => {
    const w = makeWorld(twoServices(), {});
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    w.deps.dryRun = true;
    w.world.backend.up = false;
    const r = await sweep(w.deps, emptyState());
    expect(r.services.backend.planned).toEqual([expect.objectContaining({ action: 'restart' })]);
    expect(w.calls).toEqual([]);
    expect(incidents.issues).toEqual([]);
    expect(w.events.some((e) => e.type === 'skipped' && /dry-run: would restart/.test(e.reason))).toBe(true);
  });

  it('a healthy sweep after a healthy sweep has nothing worth writing', async () => {
    const w = makeWorld(twoServices(), {});
    const { results } = await sweeps(w, emptyState(), 3);
    expect(results.map((r) => r.changed)).toEqual([false, false, false]);
  });

  it('the /mode in the state switches the tuning', async () => {
    const w = makeWorld(twoServices('normal'), {});
    const r = await sweep(w.deps, { ...emptyState(), mode: 'extreme' });
    expect(r.mode).toBe('extreme');
    expect(r.tuning.healthCheckInterval).toBe(5000);
  });

  it('mergeSweep keeps what others wrote meanwhile (mode, pauses, an /ack)', async () => {
    const w = makeWorld(twoServices(), {});
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    w.world.backend.up = false;
    w.world.backend.restartFixes = false;
    w.world.backend.redeployFixes = false;
    const r = await sweep(w.deps, emptyState());
    const number = r.state.incidents.backend.number;
    const fresh: UptimeState = {
      ...emptyState(),
      mode: 'normal',
      pauses: { coqui: { at: 1 } },
      incidents: { backend: { number, openedAt: 0, kind: 'down', ackedBy: 'bob' } },
    };
    const merged = mergeSweep(fresh, r);
    expect(merged.mode).toBe('normal');
    expect(merged.pauses.coqui).toBeDefined();
    expect(merged.incidents.backend).toMatchObject({ number, ackedBy: 'bob' });
    expect(merged.services.backend.attempts).toHaveLength(1);
  });
});

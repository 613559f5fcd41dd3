import { describe, expect, it } from '@jest/globals';
import type { RawConfigInput } from '../../src/config/schema.js';
import { runManualAction } from '../../src/engine/manual.js';
import { mergeSweep, sweep } from '../../src/engine/sweep.js';
import { notificationEvents } from '../../src/notify/events.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };
const raw = (over: Partial<RawConfigInput> = {}): RawConfigInput => ({
  mode: 'normal',
  restartBudget: 3,
  restartAttemptDelay: 0,
  recoveryTimeout: 5000,
  services: { api: { name: 'API', url: 'http://127.0.0.1:1/health', recovery } },
  ...over,
});

/** A state where `api` is confirmed down, so every sweep that reads it plans a restart. */
function downState(now: number): UptimeState {
  const record = emptyRecord(now - 60_000);
  return {
    ...emptyState(),
    services: {
      api: {
        ...record,
        health: { ...record.health, status: 'down', consecutiveFailures: 3, since: now - 60_000 },
        outages: [{ start: now - 60_000 }],
      },
    },
  };
}

describe('recovery safety', () => {
  it('8 concurrent sweeps against one store with restartBudget 3 make at most 3 provider calls', async () => {
    const w = makeWorld(raw(), { api: { up: false, restartFixes: false, redeployFixes: false } });
    const store = new MemoryStateStore(downState(w.clock.now()), { now: () => w.clock.now() });
    w.deps.store = store;
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const state = await store.read();
        const result = await sweep(w.deps, state);
        await store.update((fresh) => mergeSweep(fresh, result));
        return result;
      }),
    );
    expect(w.calls.length).toBeGreaterThan(0);
    expect(w.calls.length).toBeLessThanOrEqual(3);
    const refused = results.flatMap((r) => r.events).filter((e) => e.type === 'skipped');
    expect(refused.length).toBe(8 - w.calls.length);
    // Every attempt is in the shared state once, with its own id; no claim is left pending.
    const attempts = (await store.read()).services.api.attempts;
    expect(attempts).toHaveLength(w.calls.length);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(attempts.length);
    expect(attempts.every((a) => !a.pending)).toBe(true);
  });

  it('without the shared claim the same race overspends (the test above can fail)', async () => {
    const w = makeWorld(raw(), { api: { up: false, restartFixes: false, redeployFixes: false } });
    const state = downState(w.clock.now());
    await Promise.all(Array.from({ length: 8 }, () => sweep(w.deps, state)));
    expect(w.calls.length).toBe(8);
  });

  it('6 parallel manual restarts make at most the budget', async () => {
    const w = makeWorld(raw(), { api: { up: false, restartFixes: false } });
    const store = new MemoryStateStore(emptyState(), { now: () => w.clock.now() });
    w.deps.store = store;
    const results = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        runManualAction(w.deps, await store.read(), 'api', 'restart', { by: `user${i}` }),
      ),
    );
    expect(w.calls.length).toBeGreaterThan(0);
    expect(w.calls.length).toBeLessThanOrEqual(3);
    expect(results.filter((r) => !r.allowed).map((r) => r.refusal)).toEqual(
      Array(6 - w.calls.length).fill(expect.stringContaining('restart budget is used up')),
    );
  });

  it('a service healthy on the latest probe after a failed restart gets no redeploy; the incident says it came back on its own', async () => {
    const w = makeWorld(raw({ successThreshold: 2, maxConsecutiveFailures: 1 }), {
      api: { up: false, restartFixes: false, redeployFixes: true },
    });
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    let state = emptyState();
    const step = async () => {
      const result = await sweep(w.deps, state);
      state = result.state;
      w.clock.advance(60_000);
      return result;
    };
    await step(); // down (confirmed), restart, not healthy
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
    w.world.api.up = true; // it comes back by itself
    const recovering = await step();
    expect(recovering.services.api.status).toBe('down');
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
    const back = await step();
    expect(back.services.api.status).toBe('up');
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
    const issue = incidents.issues[0];
    expect(issue.open).toBe(false);
    expect(issue.comments.at(-1)).toContain('came back on its own');
    expect(notificationEvents(back.events, back.state, w.deps.config).map((n) => n.transition)).toEqual([
      'resolved',
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { runManualAction } from '../../src/engine/manual.js';
import { watch } from '../../src/engine/watch.js';
import { emptyState } from '../../src/state/records.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };
const config = {
  mode: 'extreme' as const,
  services: { api: { name: 'API', url: 'http://127.0.0.1:1/health', recovery } },
};

describe('watch loop', () => {
  it('checks at the mode interval for the duration and writes only when something changed', async () => {
    const w = makeWorld(config, {});
    const store = new MemoryStateStore(emptyState(), { now: w.clock.now });
    let sweeps = 0;
    await watch(w.deps, store, { durationMs: 60_000, onSweep: () => void sweeps++ });
    expect(sweeps).toBe(12); // every 5 s for a minute
    expect(store.writes).toBe(0);
  });

  it('persists a recovery and survives a write conflict on every other write', async () => {
    const w = makeWorld(config, {});
    const store = new MemoryStateStore(emptyState(), { now: w.clock.now, conflictEvery: 2 });
    await watch(w.deps, store, {
      durationMs: 60_000,
      onSweep: (r) => {
        if ([3, 6].includes(r.state.services.api.checks.total)) w.world.api.up = false;
      },
    });
    const saved = await store.read();
    expect(saved.services.api.attempts).toHaveLength(2);
    expect(saved.services.api.health.status).toBe('up');
    expect(store.conflicts).toBeGreaterThan(0);
  });

  it('picks up /mode written by someone else at the next refresh', async () => {
    const w = makeWorld({ ...config, mode: 'normal' }, {});
    const store = new MemoryStateStore(emptyState(), { now: w.clock.now });
    const intervals: number[] = [];
    let switched = false;
    await watch(w.deps, store, {
      durationMs: 180_000,
      onSweep: async (r) => {
        intervals.push(r.tuning.healthCheckInterval);
        if (!switched) {
          switched = true;
          await store.update((s) => ({ ...s, mode: 'extreme' }));
        }
      },
    });
    expect(intervals[0]).toBe(10_000);
    expect(intervals.at(-1)).toBe(5_000);
  });

  it('stops when the signal aborts', async () => {
    const w = makeWorld(config, {});
    const store = new MemoryStateStore(emptyState(), { now: w.clock.now });
    const controller = new AbortController();
    let sweeps = 0;
    await watch(w.deps, store, {
      signal: controller.signal,
      onSweep: () => {
        if (++sweeps === 3) controller.abort();
      },
    });
    expect(sweeps).toBe(3);
  });
});

describe('manual restart', () => {
  it('restarts, verifies health and records who asked', async () => {
    const w = makeWorld(config, {});
    const r = await runManualAction(w.deps, emptyState(), 'api', 'restart', { by: 'alice' });
    expect(r.allowed).toBe(true);
    expect(r.attempt).toMatchObject({ action: 'restart', trigger: 'command', by: 'alice', healthy: true });
    expect(r.state.services.api.attempts).toHaveLength(1);
    expect(w.calls).toEqual([{ service: 'api', action: 'restart' }]);
  });

  it('dry-run says what would happen and calls nothing', async () => {
    const w = makeWorld(config, {});
    const r = await runManualAction(w.deps, emptyState(), 'api', 'restart', { dryRun: true });
    expect(r.plan).toMatch(/^Dry run: would restart API through command/);
    expect(w.calls).toEqual([]);
  });

  it('refuses a restart storm and says when the next restart is allowed', async () => {
    const w = makeWorld(config, {});
    let state = emptyState();
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const r = await runManualAction(w.deps, state, 'api', 'restart', { by: 'alice' });
      outcomes.push(r.allowed);
      state = r.state;
      w.clock.advance(120_000);
    }
    expect(outcomes).toEqual([true, true, true, false, false]);
    expect(w.calls).toHaveLength(3);
    const refused = await runManualAction(w.deps, state, 'api', 'restart');
    expect(refused.refusal).toMatch(
      /restart budget is used up \(3 of 3 recoveries in the last 1h\)\. Next restart allowed in/,
    );
    expect(refused.nextAllowedAt).toBeGreaterThan(w.clock.now());
  });

  it('refuses unknown and paused services', async () => {
    const w = makeWorld(config, {});
    expect((await runManualAction(w.deps, emptyState(), 'nope', 'restart')).refusal).toMatch(
      /Unknown service "nope". Known services: api/,
    );
    const paused = { ...emptyState(), pauses: { api: { at: 0 } } };
    expect((await runManualAction(w.deps, paused, 'api', 'restart')).refusal).toMatch(
      /paused; \/resume api first/,
    );
    expect(w.calls).toEqual([]);
  });
});

describe('watch with a failing state store', () => {
  it('keeps watching when a write fails, and saves the recovery on the next write', async () => {
    const w = makeWorld(config, {});
    const inner = new MemoryStateStore(emptyState(), { now: w.clock.now });
    let failNext = 2;
    const store = {
      read: () => inner.read(),
      update: (change: Parameters<MemoryStateStore['update']>[0]) => {
        if (failNext > 0) {
          failNext--;
          return Promise.reject(new Error('409 conflict, gave up after 7 attempts'));
        }
        return inner.update(change);
      },
    };
    let sweeps = 0;
    await watch(w.deps, store, {
      durationMs: 60_000,
      onSweep: (r) => {
        sweeps++;
        if ([3, 6].includes(r.state.services.api.checks.total)) w.world.api.up = false;
      },
    });
    expect(sweeps).toBe(12);
    expect(w.events.filter((e) => e.type === 'error')).toHaveLength(2);
    const saved = await inner.read();
    expect(saved.services.api.attempts).toHaveLength(2);
  });
});

describe('two overlapping runs', () => {
  it('keep both runs’ recovery attempts, so the budget counts them all', async () => {
    const a = makeWorld(config, {});
    const b = makeWorld(config, {});
    b.clock.advance(1500); // the second run started a moment later
    const store = new MemoryStateStore(emptyState(), { now: a.clock.now });
    a.world.api.up = false;
    b.world.api.up = false;
    const { sweep, mergeSweep } = await import('../../src/engine/sweep.js');
    const start = await store.read();
    const [ra, rb] = await Promise.all([sweep(a.deps, start), sweep(b.deps, start)]);
    await Promise.all([store.update((s) => mergeSweep(s, ra)), store.update((s) => mergeSweep(s, rb))]);
    const saved = await store.read();
    expect(a.calls.length + b.calls.length).toBe(2);
    expect(saved.services.api.attempts).toHaveLength(2);
    expect(saved.services.api.repairs).toBe(2);
  });
});

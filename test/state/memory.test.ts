import { describe, expect, it } from '@jest/globals';
import { emptyRecord } from '../../src/state/records.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import type { UptimeState } from '../../src/state/types.js';

const NOW = Date.UTC(2026, 0, 10);
const bump = (s: UptimeState) => {
  s.services.api ??= emptyRecord(NOW);
  s.services.api.repairs++;
};

describe('MemoryStateStore', () => {
  it('returns copies: changing what read() gave does not change the store', async () => {
    const store = new MemoryStateStore(undefined, { now: () => NOW });
    const state = await store.read();
    state.mode = 'extreme';
    expect((await store.read()).mode).toBeUndefined();
  });

  it('lands every one of 100 concurrent updates', async () => {
    const store = new MemoryStateStore(undefined, { now: () => NOW });
    await Promise.all(Array.from({ length: 100 }, () => store.update(bump)));
    expect((await store.read()).services.api.repairs).toBe(100);
    expect(store.writes).toBe(100);
    expect(store.conflicts).toBeGreaterThan(0);
  });

  it('re-applies the change on an injected conflict, on the fresh state', async () => {
    const store = new MemoryStateStore(undefined, { now: () => NOW, conflictEvery: 2 });
    let calls = 0;
    await store.update((s) => {
      calls++;
      bump(s);
    });
    await store.update((s) => {
      calls++;
      bump(s);
    });
    expect(calls).toBe(3);
    expect(store.conflicts).toBe(1);
    expect((await store.read()).services.api.repairs).toBe(2);
  });

  it('prunes and stamps updatedAt on write', async () => {
    const store = new MemoryStateStore(undefined, { now: () => NOW });
    const written = await store.update((s) => {
      s.pauses.api = { at: NOW - 5000, until: NOW - 1 };
    });
    expect(written.pauses).toEqual({});
    expect(written.updatedAt).toBe(NOW);
  });

  it('gives up with an error instead of looping forever when every write conflicts', async () => {
    const store = new MemoryStateStore(undefined, { conflictEvery: 1, maxAttempts: 5 });
    await expect(store.update(bump)).rejects.toThrow(/gave up after 5 conflicting attempts/);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  CascadeWorld,
  HUMAN_ROLLBACK_MS,
  RECONNECT_MS,
  RESTART_DOWN_MS,
  SlowDeployWorld,
} from '../../bench/recovery/worlds.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

describe('the recovery bench worlds (the ground truth its figures rest on)', () => {
  it('cascade: dependents fail while the database is down and 5 s after; only the database restart helps', () => {
    const w = new CascadeWorld(T0, T0 + 4 * HOUR, 42, 2);
    const [fixable, notFixable] = w.outages;
    expect(fixable.fixable).toBe(true);
    expect(notFixable.fixable).toBe(false);
    const mid = fixable.start + 60_000;
    expect(['db', 'api', 'web', 'worker'].map((id) => w.answer(id, mid).ok)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    w.restart('api', mid);
    expect(w.answer('api', mid + RESTART_DOWN_MS + 1).ok).toBe(false);
    w.restart('db', mid);
    expect(w.answer('db', mid + 30_000).ok).toBe(true);
    expect(w.answer('api', mid + 30_000 + RECONNECT_MS - 1).ok).toBe(false);
    expect(w.answer('worker', mid + 30_000 + RECONNECT_MS).ok).toBe(true);
    w.restart('db', notFixable.start + 1000);
    expect(w.answer('db', notFixable.start + 60_000).ok).toBe(false);
    expect(w.timesToHealthy()[0]).toBe(60_000 + 30_000 + RECONNECT_MS);
  });

  it('slow deploys: ×3 answers, 10% failures, and a rollback brings back the newest version not undone', () => {
    const w = new SlowDeployWorld(T0, T0 + 10 * 24 * HOUR, 42);
    const slow = w.deploys.find((d) => d.kind === 'slow')!;
    const erroring = w.deploys.find((d) => d.kind === 'erroring')!;
    const sample = (from: number) => Array.from({ length: 1000 }, (_, i) => w.answer(from + 1000 + i * 5));
    const mean = (xs: Array<{ ok: boolean; responseMs: number }>) =>
      xs.filter((a) => a.ok).reduce((n, a) => n + a.responseMs, 0) / xs.filter((a) => a.ok).length;
    expect(mean(sample(slow.at)) / mean(sample(slow.at - 2 * HOUR))).toBeCloseTo(3, 0);
    const failures = sample(erroring.at).filter((a) => !a.ok).length;
    expect(failures).toBeGreaterThan(70);
    expect(failures).toBeLessThan(130);
    expect(w.rollback(slow.at + 60_000)?.id).toBe(slow.id);
    expect(w.live(slow.at + 60_000 + 30_000).id).not.toBe(slow.id);
    expect(w.live(erroring.at + HUMAN_ROLLBACK_MS).id).not.toBe(erroring.id);
    w.reset();
    expect(w.live(slow.at + 60_000 + 30_000).id).toBe(slow.id);
  });
});

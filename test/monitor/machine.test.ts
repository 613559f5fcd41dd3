import { describe, expect, it } from '@jest/globals';
import { PRESET_TUNING } from '../../src/config/presets.js';
import { observe } from '../../src/monitor/machine.js';
import type { ServiceHealth } from '../../src/monitor/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { initialHealth } from '../../src/state/records.js';

const extreme = PRESET_TUNING.balanced;
const normal = PRESET_TUNING.conservative;
const ok = (responseMs: number, at = 0): ProbeResult => ({
  service: 's',
  ok: true,
  kind: 'ok',
  status: 200,
  responseMs,
  at,
});
const fail = (at = 0, confirm = false): ProbeResult => ({
  service: 's',
  ok: false,
  kind: 'status',
  status: 503,
  responseMs: 20,
  at,
  error: 'HTTP 503',
  confirm,
});

function run(health: ServiceHealth, probes: ProbeResult[], tuning = extreme) {
  for (const p of probes) health = observe(health, p, tuning).health;
  return health;
}

describe('health state machine', () => {
  it('goes up on the first healthy answer', () => {
    const o = observe(initialHealth(0), ok(80), extreme);
    expect(o.health.status).toBe('up');
    expect(o.transition).toEqual({ from: 'unknown', to: 'up', reason: 'healthy in 80ms' });
  });

  it('asks for a confirm re-probe instead of declaring down on the threshold failure', () => {
    const up = run(initialHealth(0), [ok(50)]);
    const o = observe(up, fail(1), extreme);
    expect(o.needsConfirm).toBe(true);
    expect(o.health.status).toBe('up');
    const confirmed = observe(o.health, fail(2, true), extreme);
    expect(confirmed.health.status).toBe('down');
    expect(confirmed.transition?.to).toBe('down');
  });

  it('a flaky answer followed by a healthy confirm leaves the service up with no failures counted', () => {
    const up = run(initialHealth(0), [ok(50)]);
    const o = observe(up, fail(1), extreme);
    const after = observe(o.health, { ...ok(40, 2), confirm: true }, extreme);
    expect(after.health.status).toBe('up');
    expect(after.health.consecutiveFailures).toBe(0);
    expect(after.transition).toBeUndefined();
  });

  it('normal mode needs two failures before it even confirms', () => {
    const up = run(initialHealth(0), [ok(50)], normal);
    const first = observe(up, fail(1), normal);
    expect(first.needsConfirm).toBe(false);
    expect(first.health.status).toBe('up');
    const second = observe(first.health, fail(2), normal);
    expect(second.needsConfirm).toBe(true);
  });

  it('marks slow answers slow, and a run of them degraded', () => {
    let h = run(initialHealth(0), [ok(50)]);
    h = observe(h, ok(6000), extreme).health;
    expect(h.status).toBe('slow');
    h = observe(h, ok(6100), extreme).health;
    expect(h.status).toBe('slow');
    const third = observe(h, ok(6200), extreme);
    expect(third.health.status).toBe('degraded');
    expect(third.transition?.reason).toMatch(/3 slow or worsening answers/);
  });

  it('counts a clear rise toward the slow threshold as degrading, but not jitter of a fast service', () => {
    const rising = run(initialHealth(0), [ok(1000), ok(2600), ok(3200), ok(3900)]);
    expect(rising.status).toBe('degraded');
    const jitter = run(initialHealth(0), [ok(40), ok(60), ok(80), ok(100), ok(130), ok(170)]);
    expect(jitter.status).toBe('up');
    expect(jitter.degradingStreak).toBe(0);
  });

  it('a down service comes back only after successThreshold healthy answers', () => {
    let h = run(initialHealth(0), [ok(50), fail(1), fail(2), fail(3, true)], normal);
    h = run(h, [fail(3), fail(4)], normal);
    expect(h.status).toBe('down');
    h = observe(h, ok(50, 5), normal).health;
    expect(h.status).toBe('down');
    const back = observe(h, ok(50, 6), normal);
    expect(back.health.status).toBe('up');
    expect(back.transition).toMatchObject({ from: 'down', to: 'up' });
    expect(back.health.since).toBe(6);
  });

  it('keeps a bounded window of response times', () => {
    const h = run(
      initialHealth(0),
      Array.from({ length: 25 }, (_, i) => ok(50 + (i % 3), i)),
    );
    expect(h.recentResponseMs).toHaveLength(10);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ProbeResult } from '../../src/probe/types.js';
import { decideQuorum, type LocationObservation } from '../../src/scale/quorum.js';

const ok = (responseMs = 40): ProbeResult => ({
  service: 'api',
  ok: true,
  kind: 'ok',
  status: 200,
  responseMs,
  at: 0,
});
const bad = (error = 'HTTP 503'): ProbeResult => ({
  service: 'api',
  ok: false,
  kind: 'status',
  status: 503,
  responseMs: 5,
  at: 0,
  error,
});
const seen = (location: string, result: ProbeResult): LocationObservation => ({ location, result });

describe('decideQuorum (plain values)', () => {
  it('one location failing of three with quorum 2 is a location problem that names the location, not a failure', () => {
    const v = decideQuorum([seen('fra', bad()), seen('iad', ok()), seen('sin', ok())], 2, 'iad');
    expect(v.verdict).toBe('location-problem');
    expect(v.result.ok).toBe(true);
    expect(v.note).toBe('failing from fra only (iad, sin ok): a location problem, not counted as down');
  });

  it("the quorum failing is a failure whose error says from where; the sweeping location's own answer is used", () => {
    const v = decideQuorum(
      [seen('fra', bad('HTTP 502')), seen('iad', bad('HTTP 503')), seen('sin', ok())],
      2,
      'iad',
    );
    expect(v.verdict).toBe('failing');
    expect(v.result.ok).toBe(false);
    expect(v.result.error).toBe('HTTP 503 — failing from fra, iad');
    expect(v.note).toBe('failing from fra, iad (sin ok)');
  });

  it("with one location, a failure is a failure (today's behaviour) and nothing is said when healthy", () => {
    expect(decideQuorum([seen('fra', bad())], 1, 'fra').verdict).toBe('failing');
    const healthy = decideQuorum([seen('fra', ok())], 1, 'fra');
    expect(healthy).toMatchObject({ verdict: 'ok', note: '' });
  });

  it('a location with no live worker is reported and does not count; the quorum is lowered to who answered', () => {
    const v = decideQuorum(
      [
        seen('fra', bad()),
        { location: 'iad', missing: 'no live worker' },
        { location: 'sin', missing: 'no answer within 1.3s' },
      ],
      2,
      'fra',
    );
    expect(v.verdict).toBe('failing');
    expect(v.quorum).toBe(1);
    expect(v.configuredQuorum).toBe(2);
    expect(v.note).toContain('quorum lowered from 2 to 1');
    expect(v.note).toContain('not counted: iad (no live worker), sin (no answer within 1.3s)');
  });

  it('missing locations are reported even when every answer is healthy', () => {
    const v = decideQuorum(
      [seen('fra', ok()), seen('iad', ok()), { location: 'sin', missing: 'no live worker' }],
      2,
      'fra',
    );
    expect(v.verdict).toBe('ok');
    expect(v.note).toBe('not counted: sin (no live worker)');
  });

  it("the monitor's own trouble (out of sockets) is not a vote either way", () => {
    const local: ProbeResult = { ...bad('EMFILE'), local: true };
    const v = decideQuorum([seen('fra', local), seen('iad', bad()), seen('sin', ok())], 2, 'fra');
    // fra's probe is not counted: of the two that count, one failing is below the quorum of 2.
    expect(v.verdict).toBe('location-problem');
    expect(v.failingFrom).toEqual(['iad']);
  });

  it('quorum 3 of 3 needs all three; two failing is still a location problem', () => {
    expect(decideQuorum([seen('a', bad()), seen('b', bad()), seen('c', ok())], 3).verdict).toBe(
      'location-problem',
    );
    expect(decideQuorum([seen('a', bad()), seen('b', bad()), seen('c', bad())], 3).verdict).toBe('failing');
  });

  it('refuses to decide with no answer at all', () => {
    expect(() => decideQuorum([{ location: 'fra', missing: 'no live worker' }], 2)).toThrow(
      /no location answered/,
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { decideRollback, deployRelation } from '../../src/recovery/rollback.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const history = (deployedAt: number) => ({
  latest: { id: 'dep-2', status: 'SUCCESS', createdAt: iso(deployedAt) },
  previousSuccessful: { id: 'dep-1', status: 'SUCCESS', createdAt: iso(deployedAt - 86_400_000) },
});
const base = { serviceName: 'API', outageStart: T, windowMs: 30 * 60_000, latestProbeOk: false };

describe('decideRollback (pure)', () => {
  it('takes a rollback to the previous successful deployment when the outage began 4 minutes after a deploy', () => {
    const d = decideRollback({ ...base, history: history(T - 4 * 60_000) });
    expect(d).toMatchObject({ take: true, target: { id: 'dep-1' }, from: { id: 'dep-2' } });
    expect(d.reason).toBe(
      'the outage began 4m after deploy dep-2 (within rollbackWindow 30m): rolling back to dep-1',
    );
  });

  it('skips when the outage began 3 hours after the last deploy', () => {
    expect(decideRollback({ ...base, history: history(T - 3 * 3_600_000) })).toEqual({
      take: false,
      reason: 'skipped rollback: the outage began 3h after the last deploy (rollbackWindow is 30m)',
    });
  });

  it('takes it at exactly the window and skips one millisecond later', () => {
    expect(decideRollback({ ...base, history: history(T - 30 * 60_000) }).take).toBe(true);
    expect(decideRollback({ ...base, history: history(T - 30 * 60_000 - 1) }).take).toBe(false);
  });

  it('skips a deploy that came after the outage began (the deploy did not cause it)', () => {
    expect(decideRollback({ ...base, history: history(T + 60_000) }).reason).toBe(
      'skipped rollback: the last deploy (dep-2) came 1m after the outage began',
    );
  });

  it('skips without an earlier successful deployment, without deployments, and with an unreadable time', () => {
    const h = history(T - 60_000);
    expect(decideRollback({ ...base, history: { latest: h.latest } }).reason).toBe(
      'skipped rollback: there is no successful deployment before dep-2 to go back to',
    );
    expect(decideRollback({ ...base, history: {} }).reason).toBe(
      'skipped rollback: the platform reports no deployment',
    );
    expect(decideRollback({ ...base, history: undefined, unknownBecause: 'HTTP 500' }).reason).toBe(
      'skipped rollback: the latest deployment is unknown (the forensics section says why)',
    );
    expect(
      decideRollback({ ...base, history: { ...h, latest: { ...h.latest, createdAt: 'yesterday' } } }).take,
    ).toBe(false);
  });

  it('never rolls back a service whose latest probe passed, even right after a deploy', () => {
    expect(decideRollback({ ...base, latestProbeOk: true, history: history(T - 60_000) })).toEqual({
      take: false,
      reason: 'skipped rollback: API answered healthy on its latest check',
    });
  });

  it('deployRelation measures the gap', () => {
    expect(deployRelation(history(T - 90_000).latest, T, 60_000)).toMatchObject({
      gapMs: 90_000,
      withinWindow: false,
    });
  });
});

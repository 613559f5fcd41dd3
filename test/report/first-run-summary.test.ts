import { describe, expect, it } from '@jest/globals';
import { renderStatusMarkdown } from '../../src/report/markdown.js';
import { buildStatusRows, shownChecks } from '../../src/report/rows.js';
import { whatWasDone } from '../../src/report/summary.js';
import { config, NOW, record, state } from './fixtures.js';

/**
 * The first run of a service that was down and restarted (what `npm run local-action` shows): one booked
 * check, failed, then the restart's probe answered healthy. The summary must not say "Uptime 0.00%,
 * Checks 0/1" of a service that is up, nor tell each incident twice.
 */
const T0 = NOW - 10_000;
const restarted = () =>
  record(
    {
      checks: { ok: 0, total: 1, slow: 0, responseMsTotal: 0 },
      attempts: [
        {
          action: 'restart',
          trigger: 'down',
          at: T0 + 500,
          durationMs: 5_000,
          providerOk: true,
          healthy: true,
          detail: 'deployment restarted',
        },
      ],
      repairs: 1,
      outages: [{ start: T0, end: T0 + 5_500 }],
      monitoredMs: 0,
      firstCheckAt: T0,
    },
    { status: 'up', since: T0 + 5_400, lastCheckAt: T0 + 5_400, lastError: undefined },
  );

describe('a service restarted on its first run', () => {
  it("counts the restart's healthy probe: Checks 1/2, not 0/1 and 0.00%", () => {
    const markdown = renderStatusMarkdown(config(), state({ backend: restarted() }), { now: NOW });
    const row = markdown.split('\n').find((l) => l.includes('`backend`'))!;
    expect(row).toContain('🟢 up');
    expect(row).toContain('| 1/2 |');
    expect(row).not.toMatch(/\| 0\.00% \|/);
    expect(row).toContain('50.00%');
  });

  it('once the next sweep books a check, the probe no longer adds: nothing counted twice', () => {
    const later = restarted();
    later.checks = { ok: 1, total: 2, slow: 0, responseMsTotal: 12 };
    later.health.lastCheckAt = NOW - 1_000;
    expect(shownChecks(later)).toEqual(later.checks);
    const [row] = buildStatusRows(config(), state({ backend: later }), NOW, { only: ['backend'] });
    expect([row.checksOk, row.checksTotal]).toEqual([1, 2]);
    expect(row.averageResponseMs).toBe(12);
  });

  it('a failed or unfinished restart adds nothing', () => {
    const failed = restarted();
    failed.attempts = [{ ...failed.attempts[0], healthy: false }];
    expect(shownChecks(failed)).toEqual(failed.checks);
    const pending = restarted();
    pending.attempts = [{ ...pending.attempts[0], pending: true }];
    expect(shownChecks(pending)).toEqual(pending.checks);
  });

  it('an old healthy restart adds nothing to a service that later came back by itself', () => {
    const byItself = restarted();
    byItself.checks = { ok: 5, total: 7, slow: 0, responseMsTotal: 50 };
    byItself.health = { ...byItself.health, since: NOW - 1_000, lastCheckAt: NOW - 1_000 };
    expect(shownChecks(byItself)).toEqual(byItself.checks);
  });
});

describe('What was done', () => {
  const writes = [
    'opened incident #1 for Backend Node.js',
    'claimed a restart of Backend Node.js in the shared state',
    'commented on incident #1 (Backend Node.js)',
    'commented on incident #1 (Backend Node.js)',
    'resolved incident #1 (Backend Node.js)',
    'Created the state branch uptime-state and saved state.json on it.',
  ];
  const done = [
    'Backend Node.js: unknown → **down** (HTTP 503)',
    'Backend Node.js: opened incident #1',
    'Backend Node.js: restart (down) — healthy again after 5.4s.',
    'Backend Node.js: down → **up** (restart worked)',
    'Backend Node.js: resolved incident #1 after 6.2s',
  ];

  it('says each thing once, without the claim bookkeeping', () => {
    expect(whatWasDone({ writes, done })).toEqual([
      'commented on incident #1 (Backend Node.js)',
      'Created the state branch uptime-state and saved state.json on it.',
      ...done,
    ]);
  });

  it('keeps a write that no status line tells (another incident number, a GitHub-only write)', () => {
    const lines = whatWasDone({
      writes: ['opened incident #2 for Coqui Voice Service', 'resolved incident #1 (Backend Node.js)'],
      done: ['Backend Node.js: opened incident #1'],
    });
    expect(lines).toEqual([
      'opened incident #2 for Coqui Voice Service',
      'resolved incident #1 (Backend Node.js)',
      'Backend Node.js: opened incident #1',
    ]);
  });
});

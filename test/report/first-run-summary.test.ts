import { describe, expect, it } from '@jest/globals';
import { whatWasDone } from '../../src/report/summary.js';

/*
 * The healthy answer that verified a restart is booked as a check in the state (countVerifiedCheck,
 * src/state/records.ts), so the dashboards read the totals as stored; the CLI's first-contact test and the
 * local-action test check "Checks 1/2" end to end.
 */
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

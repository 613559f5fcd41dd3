import { describe, expect, it } from '@jest/globals';
import { runEnduranceSection } from '../../../bench/endurance.js';

describe('bench endurance with history, notifications and the site (tiny)', () => {
  it('sends the transitions, keeps the site, and reports heap growth and the state file next to their targets', async () => {
    const { markdown, targets } = await runEnduranceSection({ checks: 1_500, checkpoints: 2 });
    expect(markdown).toContain('| FileStateStore + history, notifications, site | 2.0 min | 1,500 |');
    // 1,500 checks at 2 minutes: 50 hours, so 50 hourly site renders (each changes status.json).
    expect(markdown).toMatch(/the site \(file sink, temporary folder\) written 5\d times \(0 failed\)/);
    expect(markdown).toMatch(/[1-9]\d* messages sent to a `webhook` target answered in-process \(\d+ down, /);
    expect(markdown).toMatch(/, 0 failed;/);
    expect(targets.map((t) => [t.target, t.ok])).toEqual([
      ['< 5 MB', true],
      ['< 5 MB', true],
      ['< 5 MB', true],
      ['reported; stops growing after 90 days', undefined], // 2 days: no 90-day figure yet
    ]);
    expect(targets[3].value).toBe('— (run of 2 days)');
  }, 90_000);
});

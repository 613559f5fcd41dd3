import { describe, expect, it } from '@jest/globals';
import { runActionCost } from '../../../bench/action-cost.js';
import { runEndurance } from '../../../bench/endurance.js';
import { historyMarkdown, runHistoryBench } from '../../../bench/history.js';
import { runScale } from '../../../bench/scale.js';

describe('bench sections, tiny versions', () => {
  it('sweep scale: probes loopback endpoints, the hanging ones fail at the timeout', async () => {
    const { markdown, targets } = await runScale({
      endpoints: 40,
      timeoutMs: 200,
      // Healthy endpoints get 10 s: load can slow an answer, never fail it, so exactly the 2 hanging fail.
      healthyTimeoutMs: 10_000,
      concurrencies: [40],
      runs: 1,
      sequentialSample: 20,
      pick: 40,
    });
    // 2 of 40 hang: every sweep reports exactly those as failed.
    expect(markdown).toMatch(/\| probeAll \+ probeService \| 40 \| [\d.]+ m?s \| [\d.]+ \| 2 \|/);
    expect(markdown).toContain('× the probe timeout');
    expect(targets.map((t) => t.target)).toEqual(['≤ 1.3 ×', '≥ 20 ×']);
  });

  it('history: a healthy day of scheduled runs writes the state at most 24 times', async () => {
    const result = await runHistoryBench({ days: 2 });
    expect(result.healthyDayWritesMax).toBeLessThanOrEqual(24);
    // By default the Action writes no status site (the Pages workflow renders it from the state) …
    expect(result.healthyDaySiteCommitsMax).toBe(0);
    // … and with statusPage.branch: true it commits site/ at most hourly, counted beside the history's writes.
    const branch = await runHistoryBench({ days: 2, branchSite: true });
    expect(branch.healthyDaySiteCommitsMax).toBeGreaterThan(0);
    expect(branch.healthyDaySiteCommitsMax).toBeLessThanOrEqual(24);
    expect(branch.siteFiles).toBeGreaterThan(2);
    const { markdown, targets } = historyMarkdown(result, branch);
    expect(markdown).toContain('≤ 24 ✅');
    expect(targets[1]).toMatchObject({ value: '24 (24 state + 0 site commits × 3)', ok: true });
  });

  it('endurance: runs the watch loop with both stores and reports heap growth', async () => {
    const markdown = await runEndurance({ checks: 1_500, checkpoints: 2 });
    expect(markdown).toContain('| MemoryStateStore | 5.0 s | 1,500 |');
    expect(markdown).toMatch(/state file size: 750 checks/);
  }, 60_000); // 1,500 checks of CPU work: a shared, loaded machine may need longer than the default 20 s

  it('action cost: runs the bundled action and counts GitHub requests (no writes when healthy)', async () => {
    const { markdown, targets } = await runActionCost({ runs: 1 });
    expect(targets[0]).toMatchObject({ value: '0', ok: true });
    expect(markdown).toMatch(/\| healthy sweep \(steady state\) \| \d+ \| \d+ \| 0 \| — \|/);
    expect(markdown).toContain(
      '1 incident issue opened by the first outage; the issues at the end: closed, closed',
    );
    // A later outage finds the labels: no POST /labels, at most 3 writes per transition.
    expect(markdown).toMatch(
      /\| a later outage \(steady state\): incident opened \| \d+ \| \d+ \| [0-3] \| (?![^|]*labels)[^|]+ \|/,
    );
  });
});

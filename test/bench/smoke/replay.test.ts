import { describe, expect, it } from '@jest/globals';
import { humanMs } from '../../../bench/lib/stats.js';
import { extremeTarget, replayMarkdown, replayTargets, runReplay } from '../../../bench/replay.js';
import { deployMarkdown, deployTargets, runDeployReplay } from '../../../bench/replay/deploy-rows.js';

describe('bench: policy replay (1 simulated day)', () => {
  it('replays every policy and scores ours at extreme against the target', async () => {
    const rows = await runReplay({ days: 1, seed: 42 });
    expect(rows.map((r) => r.policy)).toEqual(
      expect.arrayContaining(['seed-extreme', 'Upptime-like', 'ours, normal', 'ours, extreme']),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.policy, r]));
    expect(byName['ours, extreme'].detected).toBeGreaterThan(0);
    expect(byName['ours, extreme'].falseRecoveries).toBe(0);
    // Without a confirm re-probe, one flaky answer in a hundred means restarts of a healthy service.
    expect(byName['seed-extreme'].falseRecoveries).toBeGreaterThan(0);
    expect(extremeTarget(rows).ok).toBe(true);
    // The same figures, as the summary's targets.
    expect(replayTargets(rows, { days: 1, seed: 42 }).map((t) => [t.value, t.ok])).toEqual([
      [humanMs(byName['ours, extreme'].p50Ms), true],
      ['0', true],
      ['0', true],
    ]);
    expect(replayMarkdown(rows, { days: 1, seed: 42 })).toContain('| ours, extreme | 5.0 s |');
  });
});

describe('bench: the deploy world for the summary (1 simulated day, a deploy every 4–8 h)', () => {
  it('replays the bad deploys through the baselines and the real engine, and hands over the downtime targets', async () => {
    const options = { days: 1, seed: 42, minGapMs: 4 * 3_600_000, maxGapMs: 8 * 3_600_000 };
    const rows = await runDeployReplay(options);
    const byName = Object.fromEntries(rows.map((r) => [r.policy, r]));
    expect(byName['ours, extreme'].badDeploys).toBeGreaterThan(0);
    expect(byName['ours, extreme'].rolledBack).toBe(byName['ours, extreme'].badDeploys);
    expect(byName['Kubernetes liveness'].rolledBack).toBe(0);
    const targets = deployTargets(rows);
    expect(targets.map((t) => t.figure)).toEqual([
      'deploy world: downtime, ours, normal (rollback step) ÷ Kubernetes liveness',
      'deploy world: downtime, ours, extreme (rollback step) ÷ Kubernetes liveness',
    ]);
    expect(targets.every((t) => t.ok === true)).toBe(true);
    expect(deployMarkdown(rows, options)).toContain('a deploy every 4–8 h');
  }, 60_000);
});

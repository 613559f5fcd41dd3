import { describe, expect, it } from '@jest/globals';
import { extremeTarget, replayMarkdown, runReplay } from '../../bench/replay.js';
import { makeScenario, SimulatedService } from '../../bench/replay/world.js';

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
    expect(replayMarkdown(rows, { days: 1, seed: 42 })).toContain('| ours, extreme | 5.0 s |');
  });

  it('keeps the ground truth: a restart ends a fixable outage and its own 20 s count as downtime', () => {
    const scenario = makeScenario({ seed: 7, days: 2 });
    const world = new SimulatedService(scenario, { seed: 8, flakeRate: 0 });
    const fixable = scenario.incidents.findIndex((i) => i.fixable && i.slowdownMs === 0);
    const inc = scenario.incidents[fixable];
    expect(world.answer(inc.start + 1).ok).toBe(false);
    expect(world.declareDown(inc.start + 5_000)).toEqual({
      kind: 'detected',
      index: fixable,
      latencyMs: 5_000,
    });
    expect(world.restart(inc.start + 6_000)).toBe('fixed');
    expect(world.answer(inc.start + 6_000 + world.restartMs).ok).toBe(true);
  });
});

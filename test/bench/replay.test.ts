import { describe, expect, it } from '@jest/globals';
import { makeScenario, SimulatedService } from '../../bench/replay/world.js';

// The replay's own runs (a simulated day through every policy) are smoke runs: test/bench/smoke/replay.test.ts,
// `npm run test:bench`. This file keeps the simulated world's rules in `npm test`.
describe('bench: policy replay, the simulated world', () => {
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

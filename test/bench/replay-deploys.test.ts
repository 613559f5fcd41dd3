import { describe, expect, it } from '@jest/globals';
import { BASELINES, runDetector } from '../../bench/replay/baselines.js';
import { ROLLBACK_LADDER } from '../../bench/replay/deploy-rows.js';
import { DeployedService, makeDeployScenario } from '../../bench/replay/deploys.js';
import { runEngine } from '../../bench/replay/ours.js';
import type { Scenario } from '../../bench/replay/world.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
/** No flakes, no spikes: the only failures are the hand-made outage's. */
const CALM = { seed: 1, flakeRate: 0, spikeRate: 0 };

/** Three hours: the running version deployed two days before, a bad deploy at 0:30 that crash-loops from 0:32 for an hour. */
function badDeploy(): Scenario {
  const failsAt = START + 32 * MINUTE;
  return {
    start: START,
    end: START + 180 * MINUTE,
    deploys: [
      { id: 'dep-0', at: START - 2 * 86_400_000, bad: false, commitSha: 'aaaa0000' },
      { id: 'dep-1', at: START + 30 * MINUTE, bad: true, commitSha: 'bbbb1111' },
    ],
    incidents: [
      { start: failsAt, naturalEnd: failsAt + 60 * MINUTE, fixable: false, slowdownMs: 0, deploy: 'dep-1' },
    ],
  };
}

const policy = (name: string) => BASELINES.find((p) => p.name === name)!;

describe('replay, deploy world: a bad deploy', () => {
  it('is ended by the real engine’s rollback step, back to the deployment before it, after a restart did not help', async () => {
    const scenario = badDeploy();
    const outage = scenario.incidents[0];
    const world = new DeployedService(scenario, CALM);
    await runEngine('extreme', world, { actions: ROLLBACK_LADDER });
    expect(world.rollbacks).toMatchObject([{ to: 'dep-0', kind: 'fixed' }]);
    // The ladder's first step, a restart, brought the same broken version back.
    expect(world.restartKinds).toEqual({ fixed: 0, prevented: 0, futile: 1, false: 0 });
    // Over within minutes of the failure, not at the natural end an hour later.
    expect(world.endOf(0) - outage.start).toBeLessThan(5 * MINUTE);
    expect(world.downtimeMs()).toBeLessThan(5 * MINUTE);
    expect(world.answer(world.endOf(0) + world.rollbackMs).ok).toBe(true);
    expect(world.deployments(scenario.end).latest?.id).toBe('rollback-1');
  });

  it('is not ended by restarts: Kubernetes liveness and the seed keep restarting it until a person rolls back', () => {
    const scenario = badDeploy();
    const outage = scenario.incidents[0];
    for (const name of ['Kubernetes liveness', 'seed-normal', 'seed-extreme']) {
      const world = new DeployedService(scenario, CALM);
      runDetector(policy(name), world);
      expect(world.restartKinds.futile).toBeGreaterThan(1);
      expect(world.rollbacks).toEqual([]);
      expect(world.endOf(0)).toBe(outage.naturalEnd);
      expect(world.downtimeMs()).toBeGreaterThanOrEqual(60 * MINUTE);
    }
  });

  it('is not ended by the engine without the rollback step (restart, then redeploy of the bad version)', async () => {
    const scenario = badDeploy();
    const world = new DeployedService(scenario, CALM);
    await runEngine('extreme', world);
    expect(world.restartKinds.futile).toBe(2);
    expect(world.rollbacks).toEqual([]);
    expect(world.endOf(0)).toBe(scenario.incidents[0].naturalEnd);
  });

  it('shows in the platform’s deployments: latest and previous successful, CRASHED once it fails, undone by hand at the natural end', () => {
    const scenario = badDeploy();
    const world = new DeployedService(scenario, CALM);
    const at = (minutes: number) => world.deployments(START + minutes * MINUTE);
    expect(at(10)).toMatchObject({ latest: { id: 'dep-0', status: 'SUCCESS' } });
    expect(at(10).previousSuccessful).toBeUndefined();
    expect(at(31)).toMatchObject({
      latest: { id: 'dep-1', status: 'SUCCESS', commitSha: 'bbbb1111' },
      previousSuccessful: { id: 'dep-0' },
    });
    expect(at(40)).toMatchObject({
      latest: { id: 'dep-1', status: 'CRASHED' },
      previousSuccessful: { id: 'dep-0' },
    });
    expect(at(93)).toMatchObject({ latest: { id: 'dep-1-undo', status: 'SUCCESS', commitSha: 'aaaa0000' } });
  });
});

describe('replay, deploy world: the rollback step leaves other outages alone', () => {
  it('skips the rollback for an outage that began long after the latest (good) deploy', async () => {
    const failsAt = START + 90 * MINUTE;
    const scenario: Scenario = {
      start: START,
      end: START + 180 * MINUTE,
      deploys: [
        { id: 'dep-0', at: START - 2 * 86_400_000, bad: false, commitSha: 'aaaa0000' },
        { id: 'dep-1', at: START + 10 * MINUTE, bad: false, commitSha: 'bbbb1111' },
      ],
      // A dependency is down for 10 min, 80 min after the deploy (rollbackWindow is 30 min).
      incidents: [{ start: failsAt, naturalEnd: failsAt + 10 * MINUTE, fixable: false, slowdownMs: 0 }],
    };
    const world = new DeployedService(scenario, CALM);
    await runEngine('extreme', world, { actions: ROLLBACK_LADDER });
    expect(world.rollbacks).toEqual([]);
    expect(world.restartKinds.futile).toBe(2);
  });
});

describe('replay, deploy world: the seeded timeline', () => {
  it('has a deploy every day or two, 20% of them bad, each failing 1–5 min after going live, outages never overlapping', () => {
    const scenario = makeDeployScenario({ seed: 42, days: 30 });
    const deploys = scenario.deploys!.slice(1);
    expect(deploys.length).toBeGreaterThanOrEqual(15);
    expect(deploys.filter((d) => d.bad).length).toBe(Math.round(0.2 * deploys.length));
    for (const d of deploys.filter((d) => d.bad)) {
      const outage = scenario.incidents.find((i) => i.deploy === d.id)!;
      expect(outage.start - d.at).toBeGreaterThanOrEqual(MINUTE);
      expect(outage.start - d.at).toBeLessThanOrEqual(5 * MINUTE);
      expect(outage.naturalEnd - outage.start).toBeGreaterThanOrEqual(30 * MINUTE);
    }
    scenario.incidents.slice(1).forEach((inc, i) => {
      expect(inc.start - inc.slowdownMs).toBeGreaterThan(scenario.incidents[i].naturalEnd);
    });
  });
});

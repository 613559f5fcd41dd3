/**
 * The deploy world of the policy replay (issue 14): the ordinary seeded timeline plus a deploy every day or two,
 * some of them bad. A bad version goes live (it passes the platform's start-up check), then crash-loops under
 * traffic a few minutes later until it is rolled back: by a policy's rollback step, or by a person who noticed
 * (the natural end). A restart or a redeploy of the bad version brings the same broken version back.
 */
import type { DeploymentHistory } from '../../src/providers/types.js';
import { seededRandom } from '../../test/helpers/random.js';
import {
  makeScenario,
  SimulatedService,
  type Deploy,
  type Incident,
  type Scenario,
  type ScenarioOptions,
  type ServiceBehaviour,
} from './world.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Shortest and longest time between two deploys by default: a deploy every day or two. */
export const DEFAULT_GAP_MS: [number, number] = [24 * HOUR, 48 * HOUR];

/** Knobs of the deploys. Defaults are the benchmark's. */
export interface DeployOptions {
  /** Shortest and longest time between two deploys (uniform). @default 24 h and 48 h */
  minGapMs?: number;
  maxGapMs?: number;
  /** Share of the deploys that are bad, rounded to a whole number of deploys. @default 0.2 */
  badShare?: number;
  /** How soon after going live a bad version starts failing (uniform). @default 1–5 min */
  failAfterMs?: [number, number];
  /** How long until a person notices and rolls back (uniform): the outage's natural end. @default 30–90 min */
  humanRollbackMs?: [number, number];
}

function uniform(rand: () => number, [lo, hi]: [number, number]): number {
  return Math.round(lo + rand() * (hi - lo));
}

/**
 * The ordinary timeline of `makeScenario` (same seed, same outages) plus deploys. The bad deploys' outages replace
 * any ordinary outage they would overlap (with 10 min either side), so outages never overlap.
 */
export function makeDeployScenario(options: ScenarioOptions & DeployOptions): Scenario {
  const base = makeScenario(options);
  const rand = seededRandom(options.seed * 7919 + 104_729);
  const minGap = options.minGapMs ?? DEFAULT_GAP_MS[0];
  const maxGap = options.maxGapMs ?? DEFAULT_GAP_MS[1];
  const failAfter = options.failAfterMs ?? [MINUTE, 5 * MINUTE];
  const human = options.humanRollbackMs ?? [30 * MINUTE, 90 * MINUTE];
  const sha = () =>
    Math.floor(rand() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
  // The version running when the replay starts: a good deploy two days before, so a rollback has a target.
  const deploys: Deploy[] = [{ id: 'dep-0', at: base.start - 48 * HOUR, bad: false, commitSha: sha() }];
  for (let at = base.start + uniform(rand, [minGap / 2, maxGap / 2]); at < base.end;) {
    deploys.push({ id: `dep-${deploys.length}`, at, bad: false, commitSha: sha() });
    at += uniform(rand, [minGap, maxGap]);
  }
  // Exactly `badShare` of the deploys (rounded) are bad, picked at random among those whose outage ends in the
  // replay: the count does not depend on the luck of the draw.
  const candidates = deploys.filter((d) => d.at > base.start && d.at + failAfter[1] + human[1] < base.end);
  const badCount = Math.round((options.badShare ?? 0.2) * (deploys.length - 1));
  for (let n = 0; n < badCount && candidates.length > 0; n++)
    candidates.splice(Math.floor(rand() * candidates.length), 1)[0].bad = true;
  const bad: Incident[] = deploys
    .filter((d) => d.bad)
    .map((d) => {
      const start = d.at + uniform(rand, failAfter);
      return { start, naturalEnd: start + uniform(rand, human), fixable: false, slowdownMs: 0, deploy: d.id };
    });
  const clear = (inc: Incident) =>
    bad.every(
      (b) =>
        inc.naturalEnd + 10 * MINUTE <= b.start || inc.start - inc.slowdownMs >= b.naturalEnd + 10 * MINUTE,
    );
  const incidents = [...base.incidents.filter(clear), ...bad].sort((a, b) => a.start - b.start);
  return { ...base, incidents, deploys };
}

/** How the world classified a rollback at the moment it happened. */
export type RollbackKind = 'fixed' | 'futile' | 'false';

/** A deployment the world knows: a deploy of the timeline, or a rollback (by a policy or by a person). */
interface Deployment {
  id: string;
  at: number;
  commitSha: string;
  /** The deploy whose outage makes it crash (from that outage's start). */
  crashesFrom?: number;
}

/**
 * The simulated service of the deploy world: answers as its timeline says, and also keeps the platform's list of
 * deployments (for `deployments()`) and takes rollbacks. A rollback during a bad deploy's outage ends it once the
 * previous version has started (`rollbackMs` of refused connections, like a restart's); any other rollback changes
 * nothing but costs the same `rollbackMs`.
 */
export class DeployedService extends SimulatedService {
  readonly rollbackKinds: Record<RollbackKind, number> = { fixed: 0, futile: 0, false: 0 };
  /** Rollbacks a policy made: when, and to which deployment. */
  readonly rollbacks: Array<{ at: number; to: string; kind: RollbackKind; commitSha: string }> = [];
  /** Seconds the previous version takes to start after a rollback (an image already built: no build). */
  readonly rollbackMs: number;
  private readonly deploys: Deploy[];

  constructor(scenario: Scenario, behaviour: ServiceBehaviour & { rollbackMs?: number }) {
    super(scenario, behaviour);
    if (!scenario.deploys?.length)
      throw new Error('DeployedService needs a scenario with deploys (makeDeployScenario).');
    this.deploys = scenario.deploys;
    this.rollbackMs = behaviour.rollbackMs ?? 30_000;
  }

  /** A rollback requested at `t` to deployment `to` (the engine names the previous successful one). */
  rollback(t: number, to: string): RollbackKind {
    const { phase, index } = this.phaseAt(t);
    const target = this.deploymentsAt(t).find((d) => d.id === to);
    if (!target)
      throw new Error(
        `DeployedService: no deployment "${to}" to roll back to at ${new Date(t).toISOString()}.`,
      );
    let kind: RollbackKind;
    if (phase === 'outage' && this.incidents[index].deploy !== undefined) {
      const good = target.crashesFrom === undefined;
      if (good) this.fixedAt.set(index, t);
      kind = good ? 'fixed' : 'futile';
    } else kind = phase === 'healthy' && t >= this.restartUntil ? 'false' : 'futile';
    this.rollbackKinds[kind]++;
    this.rollbacks.push({ at: t, to, kind, commitSha: target.commitSha });
    this.downFor(t, this.rollbackMs);
    return kind;
  }

  /**
   * What the platform's deployments API answers at `t` (Railway's, as src/providers/railway-history.ts reads it):
   * the newest deployment, and the newest older one that did not crash. A crashed bad deploy is `CRASHED`.
   */
  deployments(t: number): DeploymentHistory {
    const list = this.deploymentsAt(t);
    const view = (d: Deployment) => ({
      id: d.id,
      status: d.crashesFrom !== undefined && d.crashesFrom <= t ? 'CRASHED' : 'SUCCESS',
      createdAt: new Date(d.at).toISOString(),
      commitSha: d.commitSha,
    });
    const [latest, ...older] = list.map(view);
    return { latest, previousSuccessful: older.find((d) => d.status === 'SUCCESS') };
  }

  /** Every deployment live by `t`, newest first: the timeline's deploys and the rollbacks (a policy's or a person's). */
  private deploymentsAt(t: number): Deployment[] {
    const list: Deployment[] = [];
    const outageOf = new Map(this.incidents.map((inc, i) => [inc.deploy, i] as const));
    let good = this.deploys[0];
    for (const d of this.deploys) {
      if (d.at > t) break;
      const index = d.bad ? outageOf.get(d.id) : undefined;
      if (index === undefined) good = d;
      list.push({
        id: d.id,
        at: d.at,
        commitSha: d.commitSha,
        ...(index !== undefined ? { crashesFrom: this.incidents[index].start } : {}),
      });
      // Nobody rolled it back before the natural end: a person did, then.
      if (index !== undefined && !this.fixedAt.has(index) && this.incidents[index].naturalEnd <= t)
        list.push({ id: `${d.id}-undo`, at: this.incidents[index].naturalEnd, commitSha: good.commitSha });
    }
    this.rollbacks.forEach((r, i) => {
      if (r.at <= t) list.push({ id: `rollback-${i + 1}`, at: r.at, commitSha: r.commitSha });
    });
    return list.sort((a, b) => b.at - a.at);
  }

  /** Milliseconds down during the bad deploys' outages (from each one's start to a minute after its natural end). */
  badDeployDowntimeMs(): number {
    const windows = this.incidents
      .filter((inc) => inc.deploy !== undefined)
      .map((inc) => [inc.start, inc.naturalEnd + MINUTE]);
    let total = 0;
    for (const [s, e] of this.downSpans())
      for (const [ws, we] of windows) total += Math.max(0, Math.min(e, we) - Math.max(s, ws));
    return total;
  }

  /** The bad deploys' outages: how many, and how many a policy's rollback ended. */
  badDeploys(): { outages: number; rolledBack: number } {
    const outages = this.incidents.filter((inc) => inc.deploy !== undefined).length;
    return { outages, rolledBack: this.rollbackKinds.fixed };
  }
}

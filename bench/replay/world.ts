/**
 * The simulated service of the policy replay: a seeded timeline of outages (some preceded by a slow-down), flaky
 * answers and latency spikes, and a restart that really changes what the service answers. Every policy replays
 * the same timeline; the world keeps the ground truth (when the service was really down) to score them.
 */
import { seededRandom } from '../../test/helpers/random.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** One outage of the timeline. Times are epoch ms. */
export interface Incident {
  /** When the service stops answering. */
  start: number;
  /** When it comes back by itself. */
  naturalEnd: number;
  /** A restart brings it back (a crashed or leaking process); false = a dependency is down, restarts don't help. */
  fixable: boolean;
  /** Length of the slow-down before `start` (response times climbing toward the timeout); 0 = none. */
  slowdownMs: number;
  /**
   * The bad deploy that caused it (bench/replay/deploys.ts): only a rollback ends it early, a restart or a
   * redeploy brings the same broken version back. Undefined for the outages of the ordinary timeline.
   */
  deploy?: string;
}

/** Knobs of the timeline and of the service's behaviour. Defaults are the benchmark's. */
export interface ScenarioOptions {
  seed: number;
  days: number;
  /** Start of the replay (epoch ms). @default 2026-01-01 */
  start?: number;
  /** Mean outages per day (Poisson). @default 3 */
  outagesPerDay?: number;
  /** Shortest and longest outage (log-uniform). @default 30 s and 20 min */
  minOutageMs?: number;
  maxOutageMs?: number;
  /** Share of outages preceded by a slow-down. @default 0.3 */
  slowdownShare?: number;
  /** Share of outages without slow-down that a restart can fix. @default 0.8 */
  fixableShare?: number;
}

export interface Scenario {
  start: number;
  end: number;
  incidents: Incident[];
  /** The deploys of the deploy world, oldest first (bench/replay/deploys.ts); none in the ordinary world. */
  deploys?: Deploy[];
}

/** One deploy of the deploy world. */
export interface Deploy {
  /** The platform's deployment id, e.g. `dep-3`. */
  id: string;
  /** When it went live (epoch ms). Good deploys go live without downtime. */
  at: number;
  /** The new version fails under traffic shortly after going live (its outage is in `incidents`). */
  bad: boolean;
  commitSha: string;
}

function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

/** The seeded outage timeline: a few outages a day, non-overlapping (slow-downs included), at least 10 min apart. */
export function makeScenario(options: ScenarioOptions): Scenario {
  const rand = seededRandom(options.seed);
  const start = options.start ?? Date.UTC(2026, 0, 1);
  const end = start + options.days * DAY;
  const minMs = options.minOutageMs ?? 30_000;
  const maxMs = options.maxOutageMs ?? 20 * MINUTE;
  const drafts: Incident[] = [];
  for (let day = 0; day < options.days; day++) {
    const count = poisson(rand, options.outagesPerDay ?? 3);
    for (let i = 0; i < count; i++) {
      const at = start + day * DAY + Math.floor(rand() * DAY);
      const duration = Math.round(minMs * Math.exp(rand() * Math.log(maxMs / minMs)));
      const slow = rand() < (options.slowdownShare ?? 0.3);
      const slowdownMs = slow ? Math.round(2 * MINUTE + rand() * 3 * MINUTE) : 0;
      const fixable = slow || rand() < (options.fixableShare ?? 0.8);
      drafts.push({ start: at, naturalEnd: at + duration, fixable, slowdownMs });
    }
  }
  drafts.sort((a, b) => a.start - b.start);
  const incidents: Incident[] = [];
  for (const inc of drafts) {
    const previous = incidents[incidents.length - 1];
    const opens = inc.start - inc.slowdownMs;
    if (opens < start + 10 * MINUTE || inc.naturalEnd > end) continue;
    if (previous && opens < previous.naturalEnd + 10 * MINUTE) continue;
    incidents.push(inc);
  }
  return { start, end, incidents };
}

/** What the service answers at one moment. */
export type Answer =
  { ok: true; responseMs: number } | { ok: false; kind: 'refused' | 'status'; flaky: boolean };

/** How the world classified a restart at the moment it happened. */
export type RestartKind = 'fixed' | 'prevented' | 'futile' | 'false';

/** How the world classified a "down" declaration. */
export type Declaration =
  { kind: 'detected'; index: number; latencyMs: number } | { kind: 'again' | 'false' };

export interface ServiceBehaviour {
  /** Seconds a restart keeps the service down (Railway restarts take tens of seconds). @default 20 s */
  restartMs?: number;
  /** Share of healthy answers that fail once. @default 0.01 */
  flakeRate?: number;
  /** Flakes are single failures: the answer right after one is healthy. false = independent draws. @default true */
  isolatedFlakes?: boolean;
  /** Share of healthy answers that are slow for no lasting reason (GC pause, cold cache): 3–7 s. @default 0.005 */
  spikeRate?: number;
  /** Response time at the end of a slow-down (just before the outage). @default 9 s */
  slowdownPeakMs?: number;
  seed: number;
}

/** One replay of the timeline: answers probes, takes restarts, and keeps the score. */
export class SimulatedService {
  readonly incidents: Incident[];
  /** A restart (or rollback) during the outage, index → when. */
  protected readonly fixedAt = new Map<number, number>();
  /** A restart during the slow-down prevented the outage, index → when. */
  readonly preventedAt = new Map<number, number>();
  readonly detectedAt = new Map<number, number>();
  /** Spans the service was down because a policy acted (restarts, rollbacks). */
  protected readonly restarts: Array<[number, number]> = [];
  readonly restartKinds: Record<RestartKind, number> = { fixed: 0, prevented: 0, futile: 0, false: 0 };
  falseDeclarations = 0;
  protected restartUntil = -Infinity;
  private lastFlake = false;
  private readonly rand: () => number;
  /** How long a restart keeps the service down. */
  readonly restartMs: number;
  private readonly flakeRate: number;
  private readonly isolated: boolean;
  private readonly spikeRate: number;
  private readonly peakMs: number;

  constructor(
    readonly scenario: Scenario,
    behaviour: ServiceBehaviour,
  ) {
    this.incidents = scenario.incidents;
    this.rand = seededRandom(behaviour.seed);
    this.restartMs = behaviour.restartMs ?? 20_000;
    this.flakeRate = behaviour.flakeRate ?? 0.01;
    this.isolated = behaviour.isolatedFlakes ?? true;
    this.spikeRate = behaviour.spikeRate ?? 0.005;
    this.peakMs = behaviour.slowdownPeakMs ?? 9_000;
  }

  /** The only incident whose slow-down or outage can cover `t` (the last one opening at or before it). */
  private candidate(t: number): number {
    let lo = 0;
    let hi = this.incidents.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const inc = this.incidents[mid];
      if (inc.start - inc.slowdownMs <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** When outage `index` ended (or ends): its natural end, or the restart or rollback that ended it. */
  endOf(index: number): number {
    return Math.min(this.incidents[index].naturalEnd, this.fixedAt.get(index) ?? Infinity);
  }

  /** The phase of the service at `t`: in an outage, in the slow-down before one, or neither. */
  phaseAt(t: number): { phase: 'outage' | 'slowdown' | 'healthy'; index: number } {
    const index = this.candidate(t);
    if (index < 0 || this.preventedAt.has(index)) return { phase: 'healthy', index };
    const inc = this.incidents[index];
    if (t >= inc.start && t < this.endOf(index)) return { phase: 'outage', index };
    if (t < inc.start) return { phase: 'slowdown', index };
    return { phase: 'healthy', index };
  }

  /** What a probe at `t` gets. */
  answer(t: number): Answer {
    if (t < this.restartUntil) return { ok: false, kind: 'refused', flaky: false };
    const { phase, index } = this.phaseAt(t);
    if (phase === 'outage') return { ok: false, kind: 'status', flaky: false };
    if (phase === 'slowdown') {
      const inc = this.incidents[index];
      const progress = (t - (inc.start - inc.slowdownMs)) / inc.slowdownMs;
      return { ok: true, responseMs: Math.round(200 + (this.peakMs - 200) * progress) };
    }
    const roll = this.rand();
    const flake = roll < this.flakeRate && !(this.isolated && this.lastFlake);
    this.lastFlake = flake;
    if (flake) return { ok: false, kind: 'status', flaky: true };
    if (roll < this.flakeRate + this.spikeRate)
      return { ok: true, responseMs: Math.round(3000 + this.rand() * 4000) };
    return { ok: true, responseMs: Math.round(60 + this.rand() * 140) };
  }

  /** A restart requested at `t`: the service is down for `restartMs`, then answers as its timeline says. */
  restart(t: number): RestartKind {
    const { phase, index } = this.phaseAt(t);
    let kind: RestartKind;
    if (phase === 'outage') {
      const { fixable, deploy } = this.incidents[index];
      // A bad deploy's outage: the restart brings the same broken version back.
      if (fixable && deploy === undefined) {
        this.fixedAt.set(index, t);
        kind = 'fixed';
      } else kind = 'futile';
    } else if (phase === 'slowdown') {
      this.preventedAt.set(index, t);
      kind = 'prevented';
    } else kind = t < this.restartUntil ? 'futile' : 'false';
    this.restartKinds[kind]++;
    this.downFor(t, this.restartMs);
    return kind;
  }

  /** The service refuses connections from `t` for `ms` (a restart, a rollback starting the old version). */
  protected downFor(t: number, ms: number): void {
    this.restartUntil = Math.max(this.restartUntil, t + ms);
    this.restarts.push([t, t + ms]);
  }

  /** A policy declared the service down (or alerted) at `t`. */
  declareDown(t: number): Declaration {
    const { phase, index } = this.phaseAt(t);
    if (phase === 'outage') {
      if (this.detectedAt.has(index)) return { kind: 'again' };
      this.detectedAt.set(index, t);
      return { kind: 'detected', index, latencyMs: t - this.incidents[index].start };
    }
    if (t < this.restartUntil) return { kind: 'again' };
    this.falseDeclarations++;
    return { kind: 'false' };
  }

  /** Milliseconds the service really did not answer: outages (as shortened by restarts) and restarts. */
  downtimeMs(): number {
    return this.downSpans().reduce((total, [s, e]) => total + (e - s), 0);
  }

  /** When the service really did not answer, as disjoint spans in time order (clipped to the scenario's end). */
  protected downSpans(): Array<[number, number]> {
    const spans: Array<[number, number]> = [...this.restarts];
    this.incidents.forEach((inc, i) => {
      if (!this.preventedAt.has(i)) spans.push([inc.start, this.endOf(i)]);
    });
    spans.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [s, e] of spans) {
      const clippedEnd = Math.min(e, this.scenario.end);
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], clippedEnd);
      else if (clippedEnd > s) merged.push([s, clippedEnd]);
    }
    return merged;
  }

  /** Outages that happened (not prevented) and that no one declared while they lasted. */
  missed(): number {
    let n = 0;
    this.incidents.forEach((_inc, i) => {
      if (!this.preventedAt.has(i) && !this.detectedAt.has(i)) n++;
    });
    return n;
  }

  /** Detection latencies of the detected outages, ms. */
  latencies(): number[] {
    return [...this.detectedAt.entries()].map(([i, t]) => t - this.incidents[i].start);
  }
}

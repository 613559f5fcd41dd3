/**
 * The worlds of the recovery section (docs/recovery.md): a shared database with three services behind it, and a
 * service whose deploys sometimes make it slower or erroring without crashing. Seeded, in virtual time; every
 * policy replays the same timeline, and the world keeps the ground truth to score them.
 */
import { seededRandom } from '../../test/helpers/random.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface Answer {
  ok: boolean;
  responseMs: number;
}

/** One outage of the database. */
export interface DbOutage {
  start: number;
  naturalEnd: number;
  /** A restart of the database ends it (30 s later); else only the natural end does. */
  fixable: boolean;
}

/** A restart takes a service down this long. */
export const RESTART_DOWN_MS = 20 * SECOND;
/** A dependent needs this long after the database is back to reconnect. */
export const RECONNECT_MS = 5 * SECOND;

/**
 * The cascade world: `db` has outages of 2–10 minutes (half of them fixed by a restart); `api`, `web` and
 * `worker` need it and fail while it is down and for {@link RECONNECT_MS} after; their own restarts never help
 * and cost {@link RESTART_DOWN_MS} of their own downtime.
 */
export class CascadeWorld {
  readonly outages: DbOutage[] = [];
  readonly restarts: Record<string, number[]> = { db: [], api: [], web: [], worker: [] };
  private dbBackAt = new Map<number, number>();

  constructor(
    readonly start: number,
    readonly end: number,
    seed: number,
    count: number,
  ) {
    const rand = seededRandom(seed);
    const slot = (end - start) / count;
    for (let i = 0; i < count; i++) {
      const begin = start + i * slot + slot * (0.2 + 0.5 * rand());
      const length = 2 * MINUTE + rand() * 8 * MINUTE;
      this.outages.push({
        start: Math.round(begin),
        naturalEnd: Math.round(begin + length),
        fixable: i % 2 === 0,
      });
    }
  }

  /** When the database is back from outage `i` (its natural end, or 30 s after a restart that fixes it). */
  backAt(i: number): number {
    return this.dbBackAt.get(i) ?? this.outages[i].naturalEnd;
  }

  private dbDown(t: number): number | undefined {
    const i = this.outages.findIndex((o, index) => t >= o.start && t < this.backAt(index));
    return i < 0 ? undefined : i;
  }

  private restarting(id: string, t: number): boolean {
    return this.restarts[id].some((at) => t >= at && t < at + RESTART_DOWN_MS);
  }

  answer(id: string, t: number): Answer {
    if (this.restarting(id, t)) return { ok: false, responseMs: 1 };
    if (id === 'db') return { ok: this.dbDown(t) === undefined, responseMs: 5 };
    const reconnecting = this.outages.some((o, i) => t >= o.start && t < this.backAt(i) + RECONNECT_MS);
    return { ok: !reconnecting, responseMs: 40 };
  }

  restart(id: string, t: number): void {
    this.restarts[id].push(t);
    const i = this.dbDown(t);
    if (id === 'db' && i !== undefined && this.outages[i].fixable)
      this.dbBackAt.set(i, Math.min(this.backAt(i), t + 30 * SECOND));
  }

  /** From each outage's start until every service answers healthy again (ground truth at 1 s), ms. */
  timesToHealthy(): number[] {
    return this.outages.map((o, i) => {
      let t = Math.max(
        this.backAt(i),
        ...['api', 'web', 'worker'].map((id) => this.lastRestartEnd(id, o.start)),
      );
      while (['db', 'api', 'web', 'worker'].some((id) => !this.answer(id, t).ok)) t += SECOND;
      return t - o.start;
    });
  }

  private lastRestartEnd(id: string, from: number): number {
    const after = this.restarts[id].filter((at) => at >= from && at < from + HOUR);
    return after.length ? Math.max(...after) + RESTART_DOWN_MS : from;
  }
}

/** A uniform 0..1 from an integer and a salt (a 32-bit integer hash). */
function noise(n: number, salt: number): number {
  let x = (n ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** One deploy of the slow-deploy world. */
export interface WorldDeploy {
  id: string;
  at: number;
  kind: 'good' | 'slow' | 'erroring';
  /** When it was rolled back (by a policy), if it was. */
  rolledBackAt?: number;
}

/** A bad version nobody rolled back is noticed and rolled back by a person this long after its deploy. */
export const HUMAN_ROLLBACK_MS = 2 * HOUR;

/**
 * The slow-deploy world: a service answering in 60–120 ms and failing 0.5% of checks, deployed every 8 h. Half the
 * deploys are good; a quarter make every answer 3 × slower (p95 × 3); a quarter fail 10% of requests. None crashes.
 * A rollback brings the previous version back 30 s later.
 */
export class SlowDeployWorld {
  readonly deploys: WorldDeploy[] = [];

  private readonly seed: number;

  constructor(
    readonly start: number,
    readonly end: number,
    seed: number,
  ) {
    const rand = seededRandom(seed);
    this.seed = seed;
    this.deploys.push({ id: 'dep-0', at: start - 2 * 86_400_000, kind: 'good' });
    for (let at = start + 6 * HOUR, n = 1; at < end - HUMAN_ROLLBACK_MS; at += 8 * HOUR, n++) {
      const r = rand();
      this.deploys.push({ id: `dep-${n}`, at, kind: r < 0.5 ? 'good' : r < 0.75 ? 'slow' : 'erroring' });
    }
  }

  /**
   * The deploy live at `t`: the newest one not undone (a rolled-back one is replaced 30 s after the rollback; a
   * bad one nobody rolled back is undone by a person after {@link HUMAN_ROLLBACK_MS}).
   */
  live(t: number): WorldDeploy {
    const past = this.deploys.filter((d) => d.at <= t);
    const undone = (d: WorldDeploy) =>
      (d.rolledBackAt !== undefined && t >= d.rolledBackAt + 30 * SECOND) ||
      (d.kind !== 'good' && t >= d.at + HUMAN_ROLLBACK_MS);
    for (let i = past.length - 1; i > 0; i--) if (!undone(past[i])) return past[i];
    return past[0];
  }

  answer(t: number): Answer {
    const version = this.live(t);
    // The same moment answers the same for every policy (noise from the time, not from a draw sequence).
    const key = (t % 2 ** 31) ^ Math.floor(t / 2 ** 31);
    const base = 60 + noise(key, this.seed) * 60;
    const failRate = version.kind === 'erroring' ? 0.1 : 0.005;
    if (noise(key, this.seed + 7) < failRate) return { ok: false, responseMs: 30 };
    return { ok: true, responseMs: version.kind === 'slow' ? base * 3 : base };
  }

  rollback(t: number): WorldDeploy | undefined {
    const latest = this.deploys.filter((d) => d.at <= t).at(-1);
    if (!latest || latest.rolledBackAt !== undefined) return undefined;
    latest.rolledBackAt = t;
    return latest;
  }

  /** What the platform's deployment list says at `t`: the latest, and the one before it. */
  history(t: number) {
    const past = this.deploys.filter((d) => d.at <= t);
    const iso = (d: WorldDeploy) => ({
      id: d.id,
      status: 'SUCCESS',
      createdAt: new Date(d.at).toISOString(),
    });
    const latest = past.at(-1);
    const before = past.at(-2);
    return { latest: latest && iso(latest), previousSuccessful: before && iso(before) };
  }

  /** Clears the rollbacks, so another policy replays the same timeline. */
  reset(): void {
    for (const d of this.deploys) delete d.rolledBackAt;
  }
}

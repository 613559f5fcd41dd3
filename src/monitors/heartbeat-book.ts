/**
 * The pings a listening face (the bot's server, `uptime-action watch --listen`) has received for heartbeat
 * monitors, in memory. Tokens are never stored nor compared as text: each is kept as its SHA-256 digest,
 * looked up by that digest and confirmed with `timingSafeEqual`, so neither a log nor the time a wrong guess
 * takes says anything about a real token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MonitoredService } from './types.js';

/** What a ping says (healthchecks.io's endpoints: `/ping/<token>`, `/start`, `/fail`, `/<exit status>`). */
export type PingKind = 'success' | 'start' | 'fail';

/** What the book knows of one heartbeat service. */
export interface PingRecord {
  /** When this process began watching the service (epoch ms): the first deadline counts from here. */
  since: number;
  lastSuccess?: number;
  /** A `/start` not yet followed by a success or a fail. */
  runningSince?: number;
  lastFail?: number;
  /** Duration of the last run that sent `/start` then a success (ms). */
  lastRunMs?: number;
}

interface Entry extends PingRecord {
  owner: string;
  service: string;
  digest: Buffer;
}

/** What the heartbeat monitor reads: the pings of one owner's services. */
export interface HeartbeatView {
  record(service: MonitoredService): PingRecord | undefined;
}

/** SHA-256 of a token. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class HeartbeatBook {
  /** digest hex → entries with that token (several owners may share a token). */
  private readonly byDigest = new Map<string, Entry[]>();
  /** `owner\0service` → entry. */
  private readonly byService = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Heartbeat services watched, across owners. */
  get size(): number {
    return this.byService.size;
  }

  /**
   * Watches `owner`'s heartbeat services (a repository, or `local` for `watch --listen`), replacing its previous
   * set; a service whose token is unchanged keeps its pings (a config reload does not reset the deadline).
   */
  watch(owner: string, services: readonly MonitoredService[]): void {
    const keep = new Set<string>();
    for (const service of services) {
      if (service.type !== 'heartbeat' || !service.monitor?.token) continue;
      const key = `${owner}\0${service.id}`;
      keep.add(key);
      const digest = tokenDigest(service.monitor.token);
      const known = this.byService.get(key);
      if (known && timingSafeEqual(known.digest, digest)) continue;
      if (known) this.remove(key, known);
      const entry: Entry = { owner, service: service.id, digest, since: this.now() };
      this.byService.set(key, entry);
      const hex = digest.toString('hex');
      this.byDigest.set(hex, [...(this.byDigest.get(hex) ?? []), entry]);
    }
    for (const [key, entry] of this.byService)
      if (entry.owner === owner && !keep.has(key)) this.remove(key, entry);
  }

  /** Whether some watched service has this token (constant-time on the digest). */
  knows(token: string): boolean {
    const digest = tokenDigest(token);
    return (this.byDigest.get(digest.toString('hex')) ?? []).some((e) => timingSafeEqual(e.digest, digest));
  }

  /** Stops watching every service of `owner`. */
  unwatch(owner: string): void {
    this.watch(owner, []);
  }

  /**
   * Records a ping for every service with this token; returns the services it reached (`owner/service`), empty
   * when the token is unknown.
   */
  ping(token: string, kind: PingKind): Array<{ owner: string; service: string }> {
    const digest = tokenDigest(token);
    const entries = (this.byDigest.get(digest.toString('hex')) ?? []).filter((e) =>
      timingSafeEqual(e.digest, digest),
    );
    const at = this.now();
    for (const entry of entries) {
      if (kind === 'start') entry.runningSince = at;
      else {
        if (kind === 'success') {
          if (entry.runningSince !== undefined) entry.lastRunMs = at - entry.runningSince;
          entry.lastSuccess = at;
        } else entry.lastFail = at;
        entry.runningSince = undefined;
      }
    }
    return entries.map((e) => ({ owner: e.owner, service: e.service }));
  }

  /** The view the heartbeat monitor of `owner`'s sweeps reads. */
  view(owner: string): HeartbeatView {
    return {
      record: (service) => {
        const entry = this.byService.get(`${owner}\0${service.id}`);
        if (!entry || !service.monitor?.token) return undefined;
        return timingSafeEqual(entry.digest, tokenDigest(service.monitor.token)) ? { ...entry } : undefined;
      },
    };
  }

  private remove(key: string, entry: Entry): void {
    this.byService.delete(key);
    const hex = entry.digest.toString('hex');
    const rest = (this.byDigest.get(hex) ?? []).filter((e) => e !== entry);
    if (rest.length) this.byDigest.set(hex, rest);
    else this.byDigest.delete(hex);
  }
}

import type { Redis } from 'ioredis';

/**
 * Which locations have a live worker. Each worker adds itself to one sorted set (score: its last heartbeat);
 * a location is live while any of its workers beat within `ttlMs`. A location seen within the last day but
 * silent now is reported as gone ("no live worker in sin"), so a quorum never waits for it.
 */
export class Presence {
  private readonly key: string;
  private readonly member: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; location: string; workerId: string; ttlMs: number },
  ) {
    this.key = `${options.prefix}:workers`;
    this.member = `${options.location}|${options.workerId}`;
    this.ttlMs = options.ttlMs;
  }

  private readonly ttlMs: number;

  /** Says this worker is alive (and forgets workers silent for a day). */
  async beat(now: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.key, now, this.member)
      .zremrangebyscore(this.key, '-inf', now - 86_400_000)
      .exec();
  }

  /** Leaves at once on a clean shutdown (a killed worker just stops beating). */
  async leave(): Promise<void> {
    await this.redis.zrem(this.key, this.member);
  }

  /** Live locations and locations seen today with no live worker now, both sorted. */
  async locations(now: number): Promise<{ live: string[]; gone: string[] }> {
    const entries = await this.redis.zrangebyscore(this.key, '-inf', '+inf', 'WITHSCORES');
    const live = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < entries.length; i += 2) {
      const location = entries[i].split('|')[0];
      seen.add(location);
      if (Number(entries[i + 1]) >= now - this.ttlMs) live.add(location);
    }
    return { live: [...live].sort(), gone: [...seen].filter((l) => !live.has(l)).sort() };
  }
}

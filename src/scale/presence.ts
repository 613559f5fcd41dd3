import type { Redis } from 'ioredis';

/**
 * Which locations have a live worker. Each worker adds itself to one sorted set (score: its last heartbeat);
 * a location is live while any of its workers beat within `ttlMs`. A location seen within the last day but
 * silent now is reported as gone ("no live worker in sin"), so a quorum never waits for it.
 */
export class Presence {
  private readonly key: string;
  private readonly known: string;
  private readonly member: string;
  private readonly location: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; location: string; workerId: string; ttlMs: number },
  ) {
    this.key = `${options.prefix}:workers`;
    this.known = `${options.prefix}:locations`;
    this.location = options.location;
    this.member = `${options.location}|${options.workerId}`;
    this.ttlMs = options.ttlMs;
  }

  private readonly ttlMs: number;

  /** Says this worker is alive (and forgets workers silent for a day). */
  async beat(now: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.key, now, this.member)
      .hset(this.known, this.location, String(now))
      .zremrangebyscore(this.key, '-inf', now - 86_400_000)
      .exec();
  }

  /**
   * Leaves at once on a clean shutdown (a killed worker just stops beating). The location stays known for a
   * day: with no other worker there it is reported as having none.
   */
  async leave(): Promise<void> {
    await this.redis.zrem(this.key, this.member);
  }

  /** Live locations and locations seen today with no live worker now, both sorted. */
  async locations(now: number): Promise<{ live: string[]; gone: string[] }> {
    const [entries, known] = await Promise.all([
      this.redis.zrangebyscore(this.key, now - this.ttlMs, '+inf'),
      this.redis.hgetall(this.known),
    ]);
    const live = new Set(entries.map((member) => member.split('|')[0]));
    const seen = new Set(Object.keys(known).filter((l) => Number(known[l]) >= now - 86_400_000));
    return { live: [...live].sort(), gone: [...seen].filter((l) => !live.has(l)).sort() };
  }
}

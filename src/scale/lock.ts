import type { Redis } from 'ioredis';

/**
 * One sweep of a repository at a time across every worker: `SET key token NX PX ttl`, renewed while the sweep
 * runs, released only by its holder (Redis's documented single-instance lock pattern). BullMQ's job lock keeps a
 * job on one worker, but a scheduler makes the next job when the last one starts, so a sweep slower than the
 * interval, or a stalled job retried beside the next one, would otherwise overlap. A worker killed mid-sweep
 * stops renewing: the lock expires after `ttlMs` and the next job sweeps.
 */
export class SweepLock {
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  /** True when taken; then renewed every third of `ttlMs` until {@link release}. */
  async acquire(): Promise<boolean> {
    const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return false;
    this.timer = setInterval(
      () => {
        this.redis
          .eval(RENEW, 1, this.key, this.token, String(this.ttlMs))
          .catch(() => undefined /* the next renewal or the TTL settles it */);
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
    return true;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

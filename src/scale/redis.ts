import type { Redis } from 'ioredis';
import { formatDuration } from '../util/duration.js';

/** Where Redis is, without the password a URL may carry (`redis://:secret@host` → `redis://host:6379`). */
export function redisWhere(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'the URL given (not a valid URL)';
  }
}

/** Resolves when Redis answers PING; rejects after `timeoutMs` with where it tried and what to check. */
export async function reachable(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `UPTIME_REDIS_URL: Redis at ${redisWhere(url)} did not answer within ${formatDuration(timeoutMs)}. Fix: check that Redis runs there and this machine can reach it (host, port, password, TLS with rediss://).`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([redis.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

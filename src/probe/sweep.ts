import pLimit from 'p-limit';
import type { ProbeResult } from './types.js';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight (p-limit); results come back in input order.
 * Rejects with the first error (no new calls start after it; calls in flight run to their end).
 * @param limit at least 1; `Infinity` runs everything at once.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`mapBounded: limit must be at least 1, got ${limit}.`);
  const limiter = pLimit(limit === Infinity ? limit : Math.floor(limit));
  return limiter.map(items, async (item, index) => {
    try {
      return await fn(item, index);
    } catch (error: unknown) {
      limiter.clearQueue();
      throw error;
    }
  });
}

/**
 * Probes every service with at most `concurrency` probes in flight, results in the order of `services`.
 * A probe function that throws (a custom one; `probeService` never does) yields a `network` failure for
 * that service instead of failing the sweep.
 * @param concurrency the config's `probeConcurrency`. @default 10
 */
export async function probeAll<S extends { id: string }>(
  services: readonly S[],
  probe: (service: S) => Promise<ProbeResult>,
  concurrency = 10,
): Promise<ProbeResult[]> {
  return mapBounded(services, concurrency, async (service) => {
    const at = Date.now();
    try {
      return await probe(service);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        service: service.id,
        ok: false,
        kind: 'network',
        responseMs: Date.now() - at,
        at,
        error: `probe failed: ${message}`,
      };
    }
  });
}

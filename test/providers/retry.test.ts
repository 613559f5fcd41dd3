import { describe, expect, it } from '@jest/globals';
import { DO_NOT_RETRY, RetryableError, isRetryable, withRetry } from '../../src/util/retry.js';

describe('withRetry: one policy (issue 10)', () => {
  it('asks shouldRetry with the error and attempt, and stops when it says no', async () => {
    const seen: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new Error('flaky');
      },
      { retries: 5, sleep: async () => {}, shouldRetry: (_e, attempt) => (seen.push(attempt), attempt < 3) },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('flaky');
    expect(seen).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
  });

  it('never retries a status of the one do-not-retry list', () => {
    for (const status of DO_NOT_RETRY) expect(isRetryable(new RetryableError('x', status))).toBe(false);
    expect(isRetryable(new RetryableError('x', 503))).toBe(true);
  });

  it('bounds the total wait even when the server asks for long Retry-After waits', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new RetryableError('slow down', 429, 60_000);
        },
        { retries: 10, maxDelayMs: 30_000, sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
      ),
    ).rejects.toThrow('slow down');
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
    expect(calls).toBe(sleeps.length + 1);
  });
});

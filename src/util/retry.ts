/**
 * The one retry policy: jittered exponential backoff that honours `Retry-After` and rate-limit reset
 * headers. Every provider uses it; tests inject `sleep` and `random`.
 */

/** An error that says whether retrying can help, and after how long. */
export class RetryableError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status?: number,
    /** Milliseconds the server asked us to wait (Retry-After, X-RateLimit-Reset). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

export interface RetryOptions {
  /** Extra attempts after the first. @default 3 */
  retries?: number;
  /** Backoff before the first retry, doubled each time. @default 1000 */
  baseDelayMs?: number;
  /** Cap for one wait. @default 30000 */
  maxDelayMs?: number;
  /** Statuses never retried (octokit/plugin-retry's list). Kept for callers; prefer `shouldRetry`. @default DO_NOT_RETRY */
  doNotRetry?: number[];
  /**
   * Whether a failure is worth another attempt. @default `isRetryable` (RetryableErrors whose status is
   * not in `doNotRetry`). `attempt` counts from 1 (the first failure).
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Never wait past this many ms in total, whatever the server asks. @default 4 × maxDelayMs */
  maxTotalDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for jitter. @default Math.random */
  random?: () => number;
  /** Called before each wait, e.g. to record the retry in the incident. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** The one do-not-retry list (octokit/plugin-retry's): auth, not found, validation. Use it everywhere. */
export const DO_NOT_RETRY: readonly number[] = [400, 401, 403, 404, 410, 422, 451];

/** The default predicate: a RetryableError whose status is not in `doNotRetry`. */
export function isRetryable(error: unknown, doNotRetry: readonly number[] = DO_NOT_RETRY): boolean {
  return (
    error instanceof RetryableError && (error.status === undefined || !doNotRetry.includes(error.status))
  );
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn`, retrying RetryableErrors (and network errors) whose status is not in `doNotRetry`. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const doNotRetry = options.doNotRetry ?? DO_NOT_RETRY;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const shouldRetry = options.shouldRetry ?? ((error: unknown) => isRetryable(error, doNotRetry));
  const maxTotal = options.maxTotalDelayMs ?? max * 4;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= retries || !shouldRetry(error, attempt + 1)) throw error;
      const backoff = Math.min(max, base * 2 ** attempt);
      // Full jitter on half the backoff, so simultaneous clients spread out but never wait less than half.
      const jittered = backoff / 2 + random() * (backoff / 2);
      const asked = error instanceof RetryableError ? error.retryAfterMs : undefined;
      const delayMs = Math.round(
        asked !== undefined ? Math.min(Math.max(asked, jittered), max * 4) : jittered,
      );
      // Never a retry storm nor an endless wait: the total of all waits is bounded.
      if (waited + delayMs > maxTotal) throw error;
      waited += delayMs;
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}

/** Reads `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset` (epoch seconds) into milliseconds. */
export function retryAfterFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const after = headers.get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset');
  if (reset && (remaining === null || Number(remaining) === 0)) {
    const value = Number(reset);
    if (Number.isFinite(value)) {
      // Epoch seconds (GitHub, Railway) or seconds from now (some APIs send small numbers).
      return value > 1e9 ? Math.max(0, value * 1000 - now) : value * 1000;
    }
  }
  return undefined;
}

/** Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

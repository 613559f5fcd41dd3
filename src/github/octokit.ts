import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import type { Logger } from '../util/logger.js';

/** api.github.com; GitHub Enterprise Server passes its own (`GITHUB_API_URL`, e.g. `https://ghe.example.com/api/v3`). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/**
 * Statuses the retry plugin must not repeat: octokit's defaults plus 409, which on the contents API means
 * "the file changed under you" and is answered by re-reading, not by sending the same stale sha again.
 */
export const GITHUB_DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];

export interface GitHubClientOptions {
  token: string;
  /** REST base URL. @default GITHUB_API_URL or https://api.github.com */
  baseUrl?: string;
  logger: Logger;
  /** Tests pass `{ fetch: globalThis.fetch }` so nock sees the requests. */
  request?: { fetch?: typeof fetch };
  /** How many times a rate-limited request is retried before it fails. @default 2 */
  rateLimitRetries?: number;
  /** Retries of 5xx and network errors. @default 3 */
  retries?: number;
  /**
   * Milliseconds per second of `Retry-After` (and per unit of the retry plugin's backoff); tests make it small.
   * @default 1000
   */
  retryAfterBaseValue?: number;
  /**
   * Minimum milliseconds between writes, and between writes that notify people (issues, comments).
   * GitHub asks for about one content-creating request per second; tests pass 0.
   * @default the throttling plugin's pacing (1000 and 3000)
   */
  pacing?: { writeMs: number; notifyMs: number };
  userAgent?: string;
}

interface YieldingStore {
  yieldLoop?: (t?: number) => Promise<void>;
}
let immediateYields = false;

/**
 * Bottleneck (the limiter of both the retry and the throttling plugin) awaits `setTimeout(0)` between its
 * bookkeeping steps: at least 1 ms each, ~13 per GitHub request, so ~15 ms of idle waiting per request (half
 * of a scheduled run's cold start). This makes its local datastore yield with `setImmediate` instead: the same
 * turns of the event loop in the same order, without the timer clamp. Limits, pacing (`minTime`), retries and
 * delays (`yieldLoop(t > 0)`) are unchanged. Applied once, on the first client, to the one Bottleneck module
 * the plugins share, and only if its datastore has the expected shape (bottleneck 2.x); otherwise a no-op.
 */
function useImmediateYields(): void {
  if (immediateYields) return;
  immediateYields = true;
  // A limiter with no reservoir starts no timer; it is only the way to reach the datastore's class.
  const sample = (new Bottleneck() as unknown as { _store?: object })._store;
  if (!sample) return;
  const store = Object.getPrototypeOf(sample) as YieldingStore;
  const timed = store.yieldLoop;
  if (typeof timed !== 'function') return;
  store.yieldLoop = function (this: YieldingStore, t = 0) {
    return t > 0 ? timed.call(this, t) : new Promise<void>((resolve) => setImmediate(resolve));
  };
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
/** The Octokit this project builds: @octokit/core with the retry and throttling plugins. */
export type GitHubOctokit = InstanceType<typeof RetryingOctokit>;

/**
 * Builds the Octokit every GitHub call of the Action goes through: retries 5xx and network errors, honours
 * primary and secondary rate limits (`Retry-After`, `X-RateLimit-Reset`) a bounded number of times, and logs
 * each wait. Nothing is read from the environment here; the face passes `baseUrl`.
 */
export function createOctokit(options: GitHubClientOptions): GitHubOctokit {
  const { logger } = options;
  useImmediateYields();
  const limit = options.rateLimitRetries ?? 2;
  const base = options.retryAfterBaseValue ?? 1000;
  const pacing = options.pacing
    ? {
        Bottleneck,
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.pacing.writeMs }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.pacing.notifyMs }),
      }
    : {};
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const what = `${request.method} ${request.url}`;
      if (retryCount < limit) {
        logger.warn(
          `GitHub ${kind} rate limit on ${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${limit}).`,
        );
        return true;
      }
      logger.error(
        `GitHub ${kind} rate limit on ${what}; gave up after ${limit} retries. Run less often or use a token with a higher limit.`,
      );
      return false;
    };
  return new RetryingOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'uptime-action',
    request: options.request,
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warn(m),
      error: (m: string) => logger.error(m),
    },
    retry: { doNotRetry: GITHUB_DO_NOT_RETRY, retries: options.retries ?? 3, retryAfterBaseValue: base },
    throttle: {
      ...pacing,
      retryAfterBaseValue: base,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
}

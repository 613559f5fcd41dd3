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

/** How the retry and throttling plugins behave; shared by every face's Octokit. */
export interface GitHubPolicyOptions {
  logger: Logger;
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
}

export interface GitHubClientOptions extends GitHubPolicyOptions {
  token: string;
  /** REST base URL. @default https://api.github.com */
  baseUrl?: string;
  /** Tests pass `{ fetch: globalThis.fetch }` so nock sees the requests. */
  request?: { fetch?: typeof fetch };
  userAgent?: string;
}

/**
 * The Octokit options of this project's retry and throttling policy (plugin-retry's `retry`, plugin-throttling's
 * `throttle`) and its log: 5xx and network errors retried, primary and secondary rate limits (`Retry-After`,
 * `X-RateLimit-Reset`) honoured a bounded number of times, each wait logged. The Action passes them to
 * `getOctokit` of @actions/github; `createOctokit` to @octokit/core.
 */
export function octokitPolicy(options: GitHubPolicyOptions) {
  const { logger } = options;
  const limit = options.rateLimitRetries ?? 2;
  const base = options.retryAfterBaseValue ?? 1000;
  // Custom pacing: the plugin's own limiter type (Bottleneck groups), as its `write`/`notifications` state.
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
  return {
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
  };
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
/** The Octokit this project builds outside the Action: @octokit/core with the retry and throttling plugins. */
export type GitHubOctokit = InstanceType<typeof RetryingOctokit>;

/**
 * Builds an Octokit for faces that are not the Action (the CLI's tools, the chaos bench, tests) with the
 * policy of `octokitPolicy`. Nothing is read from the environment here; the caller passes `baseUrl`.
 */
export function createOctokit(options: GitHubClientOptions): GitHubOctokit {
  return new RetryingOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'uptime-action',
    request: options.request,
    ...octokitPolicy(options),
  });
}

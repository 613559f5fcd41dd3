/**
 * The Action's GitHub client: @actions/github's `getOctokit` (proxies through its http-client, the runner's
 * user agent) with @octokit/plugin-retry and @octokit/plugin-throttling, under the project's retry policy.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { DEFAULT_GITHUB_API_URL, octokitPolicy } from '../src/github/octokit.js';
import type { Logger } from '../src/util/logger.js';

/** The Octokit the Action uses. */
export type ActionOctokit = ReturnType<typeof getOctokit>;

/**
 * Builds the client for `token`. `GITHUB_API_URL` (GitHub Enterprise Server) is read when called, not when
 * @actions/github was imported; `UPTIME_GITHUB_PACING_MS` sets the pause between writes (default GitHub's
 * ~1 s, 3 s for notifying ones; `0` against a local test server).
 */
export function actionOctokit(token: string, env: NodeJS.ProcessEnv, logger: Logger): ActionOctokit {
  const pacingMs = env.UPTIME_GITHUB_PACING_MS?.trim() ? Number(env.UPTIME_GITHUB_PACING_MS) : undefined;
  const pacing =
    pacingMs !== undefined && Number.isFinite(pacingMs) && pacingMs >= 0
      ? { writeMs: pacingMs, notifyMs: pacingMs }
      : undefined;
  return getOctokit(
    token,
    {
      baseUrl: (env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
      userAgent: 'uptime-action',
      ...octokitPolicy({ logger, pacing }),
    },
    retry,
    throttling,
  );
}

import type { Config, ServiceConfig } from '../../src/config/schema.js';
import { githubServices, type GitHubServicesOptions } from '../../src/run/github-services.js';
import { createOctokit, type GitHubOctokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/util/logger.js';

/** A logger that remembers what it was told. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** An Octokit for tests: fast retries, no pacing, the global fetch (so nock sees it). */
export function testOctokit(baseUrl: string, logger: Logger = memoryLogger()): GitHubOctokit {
  return createOctokit({
    token: 'ghs_testtoken123',
    baseUrl,
    logger,
    request: { fetch: globalThis.fetch },
    retryAfterBaseValue: 5,
    pacing: { writeMs: 0, notifyMs: 0 },
  });
}

export const coqui: ServiceConfig = {
  id: 'coqui',
  name: 'Coqui Voice Service',
  url: 'https://coqui.example.com/health',
  method: 'GET',
  headers: {},
  expect: { status: [[200, 399]] },
  timeout: 10_000,
};

/**
 * The Action's wiring (src/run/github-services.ts) against the fake GitHub at `github`: its repository, no
 * provider tokens, a memory log, the real fetch; `options` adds the clock and what a test swaps in.
 */
export function stubServices(
  github: { owner: string; repo: string; url: string },
  config: Config,
  options: Pick<GitHubServicesOptions, 'clock'> & Partial<GitHubServicesOptions>,
) {
  return githubServices(config, {
    owner: github.owner,
    repo: github.repo,
    client: testOctokit(github.url),
    env: {},
    logger: memoryLogger(),
    fetch: globalThis.fetch,
    ...options,
  });
}

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { actionOctokit } from '../../action/github.js';
import { memoryLogger } from '../github/fixtures.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';

let github: GitHubStub;
beforeEach(async () => {
  github = await startGitHubStub({ prefix: '/api/v3' });
});
afterEach(async () => {
  await github.close();
});

const env = () => ({ GITHUB_API_URL: `${github.url}/`, UPTIME_GITHUB_PACING_MS: '0' });

describe("the Action's client: getOctokit of @actions/github with retry and throttling", () => {
  test('GITHUB_API_URL (GitHub Enterprise Server, trailing slash) is read when the client is made, with the token', async () => {
    const client = actionOctokit('ghs_client_token_1', env(), memoryLogger());
    const answer = await client.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'site' });
    expect(answer.status).toBe(200);
    expect(github.requests.map((r) => r.url)).toEqual(['/api/v3/repos/acme/site/issues']);
    // The REST methods of @actions/github's Octokit are there too.
    expect(typeof client.rest.issues.create).toBe('function');
  });

  test('a secondary rate limit is waited out (Retry-After) and retried, and the wait is logged', async () => {
    github.faults.secondaryRateLimit = { times: 1, retryAfterSeconds: 1 };
    const logger = memoryLogger();
    const client = actionOctokit('ghs_client_token_1', env(), logger);
    const answer = await client.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'site',
      title: 'x',
    });
    expect(answer.status).toBe(201);
    expect(github.requests.map((r) => r.status)).toEqual([403, 201]);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^warn: GitHub secondary rate limit on POST .*retrying in 1s \(retry 1 of 2\)/),
    );
  });

  test('retries are bounded: after 2 the request fails and the log says what to do', async () => {
    github.faults.secondaryRateLimit = { times: 10, retryAfterSeconds: 1 };
    const logger = memoryLogger();
    const client = actionOctokit('ghs_client_token_1', env(), logger);
    await expect(
      client.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'site' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(github.requests).toHaveLength(3);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^error: .*gave up after 2 retries\. Run less often/),
    );
  }, 15_000);
});

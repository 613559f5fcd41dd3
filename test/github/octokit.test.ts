import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { GitHubIncidentLog } from '../../src/incidents/github.js';
import { githubNock } from '../helpers/openapi.js';
import { coqui, memoryLogger, testOctokit } from './fixtures.js';

afterEach(() => {
  nock.cleanAll();
});

describe('the GitHub client', () => {
  test('GitHub Enterprise Server: every request goes to GITHUB_API_URL with the token', async () => {
    const { scope, problems } = githubNock('https://ghe.example.com/api/v3');
    scope
      .get('/repos/acme/site/issues')
      .query({ state: 'open', labels: 'incident,service:coqui', per_page: '100' })
      .matchHeader('authorization', 'token ghs_testtoken123')
      .reply(200, [
        {
          number: 7,
          title: '🔴 Coqui Voice Service is down',
          html_url: 'https://ghe.example.com/acme/site/issues/7',
          state: 'open',
          created_at: '2026-01-01T00:00:00Z',
          labels: [],
        },
      ]);
    const log = new GitHubIncidentLog({
      client: testOctokit('https://ghe.example.com/api/v3'),
      owner: 'acme',
      repo: 'site',
      logger: memoryLogger(),
    });
    expect(await log.findOpen(coqui)).toMatchObject({ number: 7, kind: 'down' });
    expect(scope.isDone()).toBe(true);
    expect(problems()).toEqual([]);
  });

  test('a 502 is retried; a primary rate limit is retried a bounded number of times, then fails with the cause', async () => {
    const { scope, problems } = githubNock();
    const path = '/repos/acme/site/issues/3/comments';
    scope.post(path).reply(502, { message: 'Bad Gateway' }).post(path).reply(201, { id: 1 });
    const logger = memoryLogger();
    const octokit = testOctokit('https://api.github.com', logger);
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: 'acme',
      repo: 'site',
      issue_number: 3,
      body: 'x',
    });
    expect(scope.isDone()).toBe(true);

    const limited = {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
    };
    scope.post(path).times(3).reply(403, { message: 'API rate limit exceeded' }, limited);
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'acme',
        repo: 'site',
        issue_number: 3,
        body: 'y',
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(scope.isDone()).toBe(true);
    expect(logger.lines.filter((l) => l.includes('primary rate limit'))).toHaveLength(3);
    expect(logger.lines.at(-1)).toMatch(/gave up after 2 retries/);
    expect(problems()).toEqual([]);
  });

  test('a 409 is not retried by the client (the state store re-reads instead)', async () => {
    const { scope } = githubNock();
    scope
      .put('/repos/acme/site/contents/state.json')
      .once()
      .reply(409, { message: 'state.json does not match' });
    const octokit = testOctokit('https://api.github.com');
    await expect(
      octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        owner: 'acme',
        repo: 'site',
        path: 'state.json',
        message: 'm',
        content: 'e30=',
        sha: 'old',
      }),
    ).rejects.toMatchObject({ status: 409 });
    expect(scope.isDone()).toBe(true);
  });
});

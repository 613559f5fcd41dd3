import { afterEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import nock from 'nock';
import { octokitCommentGitHub } from '../../src/commands/run.js';
import { ConfigError } from '../../src/config/errors.js';
import { githubNock } from '../helpers/openapi.js';

const octokit = () => new Octokit({ auth: 'test-token', request: { fetch: globalThis.fetch } });
const options = { owner: 'acme', repo: 'site', issueNumber: 7, commentId: 11, defaultBranch: 'main' };
const yaml = 'services:\n  api:\n    url: https://api.example.com/health\n';
const file = (text: string) => ({
  type: 'file',
  encoding: 'base64',
  content: Buffer.from(text).toString('base64'),
  sha: 'abc',
});

afterEach(() => nock.cleanAll());

describe('octokitCommentGitHub', () => {
  it('reacts, replies and looks up the permission through GitHub’s documented routes', async () => {
    const { scope, problems } = githubNock();
    scope
      .post('/repos/acme/site/issues/comments/11/reactions', { content: 'eyes' })
      .reply(201, { id: 1, content: 'eyes' })
      .post('/repos/acme/site/issues/7/comments', { body: 'Done.' })
      .reply(201, { id: 2 })
      .get('/repos/acme/site/collaborators/alice/permission')
      .reply(200, { permission: 'write', role_name: 'maintain', user: { login: 'alice' } });
    const github = octokitCommentGitHub(octokit(), options);
    await github.addReaction('eyes');
    await github.reply('Done.');
    expect(await github.getPermission('alice')).toMatchObject({ role_name: 'maintain' });
    expect(scope.isDone()).toBe(true);
    expect(problems()).toEqual([]);
  });

  it('reads the config from the default branch', async () => {
    const { scope, problems } = githubNock();
    scope.get('/repos/acme/site/contents/.github%2Fuptime.yml').query({ ref: 'main' }).reply(200, file(yaml));
    const config = await octokitCommentGitHub(octokit(), options).loadConfig();
    expect(Object.keys(config.services)).toEqual(['api']);
    expect(config.source).toBe('acme/site:.github/uptime.yml@main');
    expect(problems()).toEqual([]);
  });

  it('names the missing file and the fix', async () => {
    githubNock()
      .scope.get(/\/contents\//)
      .query(true)
      .reply(404, { message: 'Not Found' });
    const error = await octokitCommentGitHub(octokit(), options)
      .loadConfig()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('there is no .github/uptime.yml on the branch main');
    expect((error as Error).message).toContain('Fix: commit .github/uptime.yml');
  });

  it('names the broken key of an invalid config', async () => {
    githubNock()
      .scope.get(/\/contents\//)
      .query(true)
      .reply(200, file('services:\n  api:\n    url: not-a-url\n'));
    const error = await octokitCommentGitHub(octokit(), options)
      .loadConfig()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('services.api.url');
  });
});

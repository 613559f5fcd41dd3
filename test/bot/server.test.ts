import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { startBotServer, type RunningBot } from '../../bot/server.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { checkRequests } from '../helpers/openapi.js';
import { commentPayload, configYaml, privateKey, startService, TestOctokit } from './fixtures.js';

const SECRET = 'test-webhook-secret';
let stub: GitHubStub;
let bot: RunningBot;
let service: Awaited<ReturnType<typeof startService>>;

/** What the real GitHub would hold: issue #1 and the config on the default branch. */
async function seed() {
  const api = (method: string, path: string, body: unknown) =>
    fetch(`${stub.url}/repos/Codertocat/Hello-World${path}`, { method, body: JSON.stringify(body) });
  await api('POST', '/issues', { title: 'Coqui keeps timing out' });
  const content = Buffer.from(configYaml(service)).toString('base64');
  await api('PUT', '/contents/.github/uptime.yml', { message: 'config', content, branch: 'master' });
  stub.requests.length = 0;
}

beforeAll(async () => {
  service = await startService();
  stub = await startGitHubStub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    defaultBranch: 'master',
    prefix: '/api/v3',
    permissions: { Codertocat: 'admin' },
  });
  await seed();
  // The stub has no app endpoints: the installation token is the one route nock answers.
  nock(new URL(stub.url).origin, { allowUnmocked: true })
    .persist()
    .post('/api/v3/app/installations/1/access_tokens')
    .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' });
  bot = await startBotServer({
    env: {
      APP_ID: '123',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      GHE_HOST: new URL(stub.url).host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'fatal',
      UPTIME_ALLOWED_PROVIDERS: 'webhook',
      UPTIME_PRIVATE_TARGETS: 'allow',
    },
    Octokit: TestOctokit,
  });
});

afterAll(async () => {
  await bot?.close();
  await stub?.close();
  await service?.close();
  nock.cleanAll();
});

const body = JSON.stringify(commentPayload('/mode extreme'));
const sign = (text: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
const post = (headers: Record<string, string>) =>
  fetch(`${bot.url}/api/github/webhooks`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': 'd-1',
      ...headers,
    },
  });

describe('the bot server on 127.0.0.1', () => {
  it('refuses a forged or missing signature with a 4xx and does nothing', async () => {
    const forged = await post({ 'x-hub-signature-256': sign(body, 'not-the-secret') });
    const missing = await post({});
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(stub.requests).toEqual([]);
    expect(stub.reactions).toEqual([]);
  });

  it('handles a signed webhook: reactions, a reply, and the mode written to the state branch', async () => {
    const response = await post({ 'x-hub-signature-256': sign(body) });
    // Accepted at once; the command runs after the answer (GitHub waits at most 10 s).
    expect(response.status).toBe(202);
    await bot.idle();
    expect(stub.reactions.map((r) => r.content)).toEqual(['eyes', 'rocket']);
    const [issue] = stub.issues;
    expect(issue.comments.map((c) => c.body).join('\n')).toContain('Mode is now **extreme**');
    expect(stub.readJson('uptime-state', 'state.json')).toMatchObject({
      mode: 'extreme',
      modeSetBy: 'Codertocat',
    });
    expect(stub.rootParents('uptime-state')).toEqual([]);
    expect(checkRequests(stub.requests, '/api/v3')).toEqual([]);
  });

  it('answers GET /ping for a host’s health check', async () => {
    const response = await fetch(`${bot.url}/ping`);
    expect(await response.text()).toBe('PONG');
  });
});

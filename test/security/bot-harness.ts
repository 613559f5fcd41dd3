/**
 * The real bot server on 127.0.0.1 for the ChatOps and webhook attacks: a GitHub stub holding the repository
 * (config on the default branch, issue #1), the installation token answered by nock (the stub has no app
 * routes), and signed `issue_comment` deliveries posted over HTTP as GitHub would.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { startBotServer, type BotServerOptions, type RunningBot } from '../../bot/server.js';
import { commentPayload, privateKey, TestOctokit } from '../bot/fixtures.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';

export const SECRET = 'bot-security-webhook-secret';
export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';

export interface Harness {
  bot: RunningBot;
  stub: GitHubStub;
  /** Every line Probot and the bot logged (JSON lines). */
  logs: string[];
  /** Posts a signed comment; resolves with the HTTP answer (the command may still be running). */
  comment(body: string, options?: { login?: string; delivery?: string }): Promise<Response>;
  /** The bodies of all comments on all issues. */
  replies(): string[];
  close(): Promise<void>;
}

export const sign = (text: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;

/** Starts the stub and the bot with `config` as `.github/uptime.yml`. */
export async function startHarness(
  config: string,
  options: {
    env?: NodeJS.ProcessEnv;
    permissions?: Record<string, string>;
    bot?: Partial<BotServerOptions>;
  } = {},
): Promise<Harness> {
  const stub = await startGitHubStub({
    owner: OWNER,
    repo: REPO,
    defaultBranch: 'master',
    prefix: '/api/v3',
    permissions: { Codertocat: 'admin', ...options.permissions },
  });
  const api = (method: string, path: string, body: unknown) =>
    fetch(`${stub.url}/repos/${OWNER}/${REPO}${path}`, { method, body: JSON.stringify(body) });
  await api('POST', '/issues', { title: 'Ops' });
  await api('PUT', '/contents/.github/uptime.yml', {
    message: 'config',
    content: Buffer.from(config).toString('base64'),
    branch: 'master',
  });
  stub.requests.length = 0;
  nock(new URL(stub.url).origin, { allowUnmocked: true })
    .persist()
    .post('/api/v3/app/installations/1/access_tokens')
    .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const bot = await startBotServer({
    env: {
      APP_ID: '123',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      GHE_HOST: new URL(stub.url).host,
      GHE_PROTOCOL: 'http',
      ...options.env,
    },
    Octokit: TestOctokit,
    log: pino({ level: 'trace' }, sink),
    ...options.bot,
  });
  return {
    bot,
    stub,
    logs,
    comment(body, o = {}) {
      const text = JSON.stringify(commentPayload(body, { login: o.login }));
      return fetch(`${bot.url}/api/github/webhooks`, {
        method: 'POST',
        body: text,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issue_comment',
          'x-github-delivery': o.delivery ?? randomUUID(),
          'x-hub-signature-256': sign(text),
        },
      });
    },
    replies: () => stub.issues.flatMap((i) => i.comments.map((c) => c.body)),
    async close() {
      await bot.close();
      await stub.close();
      nock.cleanAll();
    },
  };
}

/** A mention that would ping: `@login` not broken by a zero-width space. */
export const liveMention = (login: string) => new RegExp(`(^|[^\\w\\u200b])@${login}\\b`);

/**
 * Secrets and injected text at the incident exits (issue 9, "Secrets in issues and state", "Mention and link
 * injection"): the real hosted watch opens the incident on the GitHub stub, the real webhook provider calls a
 * loopback receiver whose 500-character answer quotes the secrets, and the real bot server posts the audit copy
 * of a `/restart` reply on that incident.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { watchRepository, type AppAuth } from '../../bot/watch.js';
import { virtualClock } from '../helpers/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { liveMention, OWNER, REPO, startHarness, type Harness } from './bot-harness.js';
import type { EngineEvent } from '../../src/outcome/types.js';

const HEALTH_TOKEN = 'health-tok-31415926535';
const HOOK_SECRET = 'hook-secret-27182818284';
const INJECTED = '@someone [x](https://evil.example) ```';
const env = {
  UPTIME_ALLOWED_PROVIDERS: 'webhook',
  UPTIME_PRIVATE_TARGETS: 'allow',
  UPTIME_CONFIG_ENV: 'HEALTH_TOKEN,HOOK_SECRET',
  HEALTH_TOKEN,
  HOOK_SECRET,
};

let h: Harness;
let health: TestServer;
let hook: TestServer;

/** The webhook receiver answers 500 characters quoting the secret header, the payload (with the URL) and markup. */
function echoingHook(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const text = `accepted ${String(req.headers['x-webhook-secret'] ?? req.headers['x-uptime-secret'] ?? '')} ${INJECTED} ${body}`;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(text.padEnd(500, '.').slice(0, 500));
  });
}

/** Runs the real hosted watch on the harness's repository until a recovery attempt is recorded. */
async function watchUntilAttempt(h: Harness, watchEnv: NodeJS.ProcessEnv, logger: Logger) {
  const installation = new Octokit({ baseUrl: h.stub.url, request: { fetch: globalThis.fetch } });
  const app: AppAuth = {
    auth: async (id?: number) =>
      id === undefined
        ? { request: async () => ({ status: 200, data: { id: 1 }, headers: {} }) }
        : installation,
  };
  const controller = new AbortController();
  let attempted = false;
  await watchRepository(
    app,
    { owner: OWNER, repo: REPO },
    {
      env: watchEnv,
      clock: virtualClock(Date.UTC(2026, 0, 5, 12)),
      logger,
      fetch: globalThis.fetch,
      retryDelayMs: 1,
      onEvent: (_repo, event: EngineEvent) => {
        if (event.type === 'recovery-end') attempted = true;
        // The next sweep's first check: the attempt's comment and state write are done.
        else if (attempted && event.type === 'check') controller.abort();
      },
    },
    controller.signal,
  );
}

const recorder = () => {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  return { lines, logger };
};

beforeAll(async () => {
  health = await startTestServer({ kind: 'json', status: 503, body: { status: INJECTED } });
  hook = await startTestServer({ kind: 'custom', handle: echoingHook });
  const config = [
    'mode: extreme',
    'successThreshold: 1',
    'services:',
    '  api:',
    `    url: "${health.origin}/health?token=\${HEALTH_TOKEN}"`,
    `    recovery: { provider: webhook, url: "${hook.origin}/restart", secretEnv: HOOK_SECRET }`,
    '',
  ].join('\n');
  h = await startHarness(config, { env });
  await watchUntilAttempt(h, { ...env }, recorder().logger);
}, 30_000);

afterAll(async () => {
  await h?.close();
  await health?.close();
  await hook?.close();
});

const incidentText = () => {
  const incident = h.stub.issues.find((i) => i.title.includes('api'))!;
  return [incident.body ?? '', ...incident.comments.map((c) => c.body)].join('\n---\n');
};

describe('the incident issue', () => {
  it('shows the health URL without its query and no token', () => {
    const text = incidentText();
    expect(hook.requests).toBeGreaterThan(0);
    expect(text).toContain(`- Health URL: ${health.origin}/health\n`);
    expect(text).not.toContain(HEALTH_TOKEN);
  });

  it('carries the webhook answer only as a bounded excerpt without secrets', () => {
    const text = incidentText();
    expect(text).toContain('accepted');
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toContain(HEALTH_TOKEN);
    expect(text).not.toMatch(/\.{200}/);
  });

  it('has no live mention or link from what the endpoints answered', () => {
    const text = incidentText();
    expect(text).not.toMatch(liveMention('someone'));
    expect(text).not.toContain('](https://evil.example)');
  });
});

describe('the state branch', () => {
  it('holds no secret from the URL or the webhook answer', () => {
    const state = JSON.stringify(h.stub.readJson('uptime-state', 'state.json'));
    expect(state).toContain('"api"');
    expect(state).not.toContain(HOOK_SECRET);
    expect(state).not.toContain(HEALTH_TOKEN);
  });
});

describe('the audit copy of a command reply', () => {
  it('on the open incident shows no raw token, no live mention', async () => {
    const before = incidentText();
    // It comes back after this restart (the verify is quick); the endpoint still answers the injection.
    health.set({ kind: 'json', status: 200, body: { status: INJECTED } });
    await h.comment('/restart api');
    await h.bot.idle();
    const after = incidentText();
    expect(after.length).toBeGreaterThan(before.length);
    expect(after).toContain('Audit: @Codertocat ran');
    const reply = h.replies().at(-1)!;
    for (const text of [after, reply]) {
      expect(text).not.toContain(HOOK_SECRET);
      expect(text).not.toContain(HEALTH_TOKEN);
      expect(text).not.toMatch(liveMention('someone'));
      expect(text).not.toContain('](https://evil.example)');
    }
  });
});

describe('the hosted watch refuses what the hosted bot refuses', () => {
  const refusedBy = async (recovery: string, setting: string, watchEnv: NodeJS.ProcessEnv) => {
    const config = `mode: extreme\nservices:\n  api:\n    url: ${health.url}\n    recovery: ${recovery}\n`;
    const hosted = await startHarness(config, { env: watchEnv });
    const { lines, logger } = recorder();
    const controller = new AbortController();
    try {
      const installation = new Octokit({ baseUrl: hosted.stub.url, request: { fetch: globalThis.fetch } });
      const app: AppAuth = {
        auth: async (id?: number) =>
          id === undefined
            ? { request: async () => ({ status: 200, data: { id: 1 }, headers: {} }) }
            : installation,
      };
      const stopOnError: Logger = {
        ...logger,
        error: (m) => {
          logger.error(m);
          controller.abort();
        },
      };
      await watchRepository(
        app,
        { owner: OWNER, repo: REPO },
        {
          env: watchEnv,
          clock: virtualClock(),
          logger: stopOnError,
          fetch: globalThis.fetch,
          retryDelayMs: 1,
        },
        controller.signal,
      );
      expect(lines.join('\n')).toContain(setting);
      expect(hosted.stub.issues.filter((i) => i.title !== 'Ops')).toEqual([]);
      expect(hosted.stub.readJson('uptime-state', 'state.json')).toBeUndefined();
      return lines.join('\n');
    } finally {
      await hosted.close();
    }
  };

  it('a command provider running `env | base64` never starts', async () => {
    const log = await refusedBy(
      '{ provider: command, restart: "env | base64" }',
      'UPTIME_ALLOWED_PROVIDERS',
      {
        UPTIME_PRIVATE_TARGETS: 'allow',
      },
    );
    expect(log).not.toContain('PRIVATE KEY');
  });

  it('a webhook with secretEnv: RAILWAY_API_TOKEN is refused without its value', async () => {
    const log = await refusedBy(
      `{ provider: webhook, url: "${hook.origin}/x", secretEnv: RAILWAY_API_TOKEN }`,
      'UPTIME_CONFIG_ENV',
      {
        UPTIME_ALLOWED_PROVIDERS: 'webhook',
        UPTIME_PRIVATE_TARGETS: 'allow',
        RAILWAY_API_TOKEN: 'rw-tok-99887766',
      },
    );
    expect(log).not.toContain('rw-tok-99887766');
  });
});

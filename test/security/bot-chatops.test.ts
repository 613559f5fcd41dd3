/**
 * ChatOps attacks (issue 9, "Mention and link injection", "Prototype names", "Remote code execution") on the
 * real bot server with signed deliveries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { SECRET, startHarness, type Harness } from './bot-harness.js';

let h: Harness;
let evil: TestServer;

beforeAll(async () => {
  evil = await startTestServer({
    kind: 'custom',
    handle: (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: '@someone [x](https://evil.example)' })),
      );
    },
  });
  const config = [
    'successThreshold: 1',
    'services:',
    '  api:',
    `    url: ${evil.origin}/health`,
    `    recovery: { provider: webhook, url: "${evil.origin}/restart" }`,
    '',
  ].join('\n');
  h = await startHarness(config, {
    env: { UPTIME_ALLOWED_PROVIDERS: 'webhook', UPTIME_PRIVATE_TARGETS: 'allow' },
    permissions: { mallory: 'none' },
  });
});

afterAll(async () => {
  await h?.close();
  await evil?.close();
});

describe('ChatOps under attack', () => {
  it('a no-access user typing /ack x`@someone` gets a fixed refusal: no mention, no reaction but 👎', async () => {
    await h.comment('/ack x`@someone`', { login: 'mallory' });
    await h.bot.idle();
    const replies = h.replies();
    expect(replies.length).toBe(1);
    expect(replies.join('\n')).not.toMatch(/@someone|x`/);
    expect(h.stub.reactions.map((r) => r.content)).toEqual(['-1']);
  });

  it('an endpoint answering "@someone [x](https://evil.example)" is shown inert in the reply', async () => {
    await h.comment('/restart api');
    await h.bot.idle();
    const reply = h.replies().at(-1)!;
    expect(reply).toContain('someone');
    expect(reply).not.toMatch(/(^|[^\u200b])@someone/);
    expect(reply).not.toContain('](https://evil.example)');
  });

  it('/pause __proto__ 1h and /restart constructor are clean unknown-service refusals', async () => {
    await h.comment('/pause __proto__ 1h');
    await h.bot.idle();
    await h.comment('/restart constructor');
    await h.bot.idle();
    const [pause, restart] = h.replies().slice(-2);
    expect(pause).toContain('There is no service `__proto__`');
    expect(restart).toContain('There is no service `constructor`');
    const state = h.stub.readJson('uptime-state', 'state.json') as { pauses?: object } | undefined;
    expect(Object.keys(state?.pauses ?? {})).toEqual([]);
  });

  it('6 parallel /restart api make at most restartBudget restarts (the attempt is claimed in the state first)', async () => {
    const target = await startTestServer({ kind: 'status', status: 200 });
    const config = [
      'successThreshold: 1',
      'restartBudget: 2',
      'services:',
      '  api:',
      `    url: ${target.origin}/health`,
      `    recovery: { provider: webhook, url: "${target.origin}/restart" }`,
      '',
    ].join('\n');
    const racing = await startHarness(config, {
      env: { UPTIME_ALLOWED_PROVIDERS: 'webhook', UPTIME_PRIVATE_TARGETS: 'allow' },
    });
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => racing.comment('/restart api')));
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
      await racing.bot.idle();
      const restarts = target.log.filter((r) => r.method === 'POST' && r.url === '/restart').length;
      expect(restarts).toBeGreaterThanOrEqual(1);
      expect(restarts).toBeLessThanOrEqual(2);
      const replies = racing.replies();
      expect(replies.length).toBe(6);
      expect(replies.filter((r) => r.includes('Restarted')).length).toBe(restarts);
      const state = racing.stub.readJson('uptime-state', 'state.json') as {
        services: { api: { attempts: Array<{ id: string }> } };
      };
      const ids = state.services.api.attempts.map((a) => a.id);
      expect(ids.length).toBe(restarts);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await racing.close();
      await target.close();
    }
  });
});

describe('the hosted policy', () => {
  it('refuses a command provider unless UPTIME_ALLOWED_PROVIDERS lists it', async () => {
    const config =
      'services:\n  api:\n    url: http://127.0.0.1:9/health\n    recovery: { provider: command, restart: "env | base64" }\n';
    const hosted = await startHarness(config);
    try {
      await hosted.comment('/restart api');
      await hosted.bot.idle();
      const reply = hosted.replies().join('\n');
      expect(reply).toContain('UPTIME_ALLOWED_PROVIDERS');
      expect(reply).not.toContain('PRIVATE KEY');
    } finally {
      await hosted.close();
    }
  });

  it('with command allowed, `env | base64` sees none of the bot secrets: not in the reply, not in the state', async () => {
    const target = await startTestServer({ kind: 'status', status: 200 });
    const config = `successThreshold: 1\nservices:\n  api:\n    url: ${target.origin}/health\n    recovery: { provider: command, restart: "env; env | base64" }\n`;
    const hosted = await startHarness(config, {
      env: { UPTIME_ALLOWED_PROVIDERS: 'command', UPTIME_PRIVATE_TARGETS: 'allow', PATH: process.env.PATH },
    });
    try {
      await hosted.comment('/restart api');
      await hosted.bot.idle();
      const reply = hosted.replies().join('\n');
      expect(reply).toContain('exited 0');
      // The output is there (the child's own PATH), so a leaked variable would be too.
      expect(reply).toContain('PATH=');
      const state = JSON.stringify(hosted.stub.readJson('uptime-state', 'state.json'));
      for (const text of [reply, state]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('PRIVATE KEY');
        expect(text).not.toContain('ghs_test');
        expect(text).not.toMatch(/WEBHOOK_SECRET|PRIVATE_KEY|APP_ID/);
      }
      // Nor base64-encoded: the names would show as these prefixes in `env | base64`.
      expect(reply).not.toContain(Buffer.from('WEBHOOK_SECRET=').toString('base64').slice(0, 16));
    } finally {
      await hosted.close();
      await target.close();
    }
  });

  it('still restarts a loopback service through command when the operator allows it', async () => {
    const target = await startTestServer({ kind: 'status', status: 200 });
    const restart = `node -e "fetch('${target.origin}/restart',{method:'POST'}).then(()=>process.exit(0))"`;
    const config = `successThreshold: 1\nservices:\n  api:\n    url: ${target.origin}/health\n    recovery: { provider: command, restart: ${JSON.stringify(restart)} }\n`;
    const hosted = await startHarness(config, {
      env: {
        UPTIME_ALLOWED_PROVIDERS: 'railway,command',
        UPTIME_PRIVATE_TARGETS: 'allow',
        UPTIME_CONFIG_ENV: 'HEALTH_TOKEN',
        PATH: process.env.PATH,
      },
    });
    try {
      await hosted.comment('/restart api');
      await hosted.bot.idle();
      expect(target.log.some((r) => r.method === 'POST' && r.url === '/restart')).toBe(true);
      expect(hosted.replies().join('\n')).toContain('Restarted');
    } finally {
      await hosted.close();
      await target.close();
    }
  });
});

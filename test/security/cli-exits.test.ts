/**
 * The CLI's exits under attack (issue 9, "Secrets in issues and state", "Prototype names"): the real CLI
 * (`main`) against a loopback health endpoint and a webhook receiver that echoes what it was sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli, workspace } from '../cli/run.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

const HEALTH_TOKEN = 'cli-health-tok-16180339';
const HOOK_SECRET = 'cli-hook-secret-14142135';
let health: TestServer;
let hook: TestServer;

beforeAll(async () => {
  health = await startTestServer({ kind: 'status', status: 503 });
  hook = await startTestServer({
    kind: 'custom',
    handle: (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        // The restart "works": the service answers healthy from now on, so the verify is quick.
        health.set({ kind: 'up' });
        const text = `ok ${JSON.stringify(req.headers)} @someone [x](https://evil.example) ${body}`;
        res.writeHead(200).end(text.padEnd(500, '.').slice(0, 500));
      });
    },
  });
});

afterAll(async () => {
  await health?.close();
  await hook?.close();
});

describe('the CLI', () => {
  it('keeps a webhook answer quoting the secrets out of its output, state and incident log', async () => {
    health.set({ kind: 'status', status: 503 });
    const ws = await workspace(
      [
        'mode: extreme',
        'services:',
        '  api:',
        `    url: "${health.origin}/health?token=\${HEALTH_TOKEN}"`,
        `    recovery: { provider: webhook, url: "${hook.origin}/restart", secretEnv: HOOK_SECRET, timeout: 5s }`,
        '',
      ].join('\n'),
    );
    try {
      const env = { PATH: process.env.PATH, HEALTH_TOKEN, HOOK_SECRET };
      const runs = [
        await runCli(['sweep', '--config', ws.config, '--state', ws.state], { env }),
        await runCli(['status', '--config', ws.config, '--state', ws.state], { env }),
      ];
      expect(hook.requests).toBeGreaterThan(0);
      const state = await readFile(ws.state, 'utf8');
      const log = await readFile(join(ws.state, '..', 'incidents.md'), 'utf8');
      // The answer is recorded (so a secret in it would be too).
      expect(state).toMatch(/webhook 127\.0\.0\.1:\d+ answered 200\\nok /);
      for (const text of [state, log, ...runs.flatMap((r) => [r.stdout, r.stderr])]) {
        expect(text).not.toContain(HEALTH_TOKEN);
        expect(text).not.toContain(HOOK_SECRET);
      }
      expect(log).not.toMatch(/(^|[^\w\u200b])@someone\b/);
      expect(log).not.toContain('](https://evil.example)');
    } finally {
      await ws.cleanup();
    }
  });

  it('`restart constructor` exits 2 naming the unknown service (not "undefined")', async () => {
    const ws = await workspace(`services:\n  api:\n    url: ${health.url}\n`);
    try {
      const run = await runCli(['restart', 'constructor', '--config', ws.config, '--state', ws.state]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('constructor');
      expect(run.stderr).not.toContain('undefined');
      expect(run.stderr).not.toMatch(/TypeError|\n\s+at /);
    } finally {
      await ws.cleanup();
    }
  });
});

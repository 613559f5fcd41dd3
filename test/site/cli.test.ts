import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCli, workspace } from '../cli/run.js';
import { deadPort, startReceiver, type Receiver } from '../notify/receiver.js';
import { fixtureState, NOW } from './fixture.js';

const SERVICES = `services:
  api: { name: Public API, url: "https://api.example.com/health" }
  worker: { name: Worker, url: "https://worker.example.com/health" }
  docs: { name: Docs, url: "https://docs.example.com/" }
  evil: { name: "<script>alert(1)</script>", url: "https://evil.example.com/" }
`;

const env = {
  HOOK_SECRET: 'hook-secret-1234',
  TELEGRAM_BOT_TOKEN: '123456:TELEGRAMsecret',
  SLACK_PATH: 'T000/B000/slacksecretslacksecret',
  TELEGRAM_API_URL: '',
};

let ws: Awaited<ReturnType<typeof workspace>>;
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  const dead = await deadPort();
  ws = await workspace(
    `statusPage: { title: "Acme status", url: "https://acme.github.io/status/" }
notify:
  - { type: webhook, url: "${rx.origin}/hook", secret: "\${HOOK_SECRET}" }
  - { type: telegram, botToken: "\${TELEGRAM_BOT_TOKEN}", chatId: "42", name: ops }
  - { type: slack, url: "http://127.0.0.1:${dead}/services/\${SLACK_PATH}" }
${SERVICES}`,
  );
  await mkdir(dirname(ws.state), { recursive: true });
  await writeFile(ws.state, JSON.stringify(fixtureState()));
});
afterAll(async () => {
  await ws.cleanup();
  await rx.close();
});

describe('uptime-action site', () => {
  it('renders the site from the state file into --out', async () => {
    const out = join(ws.dir, 'public');
    const run = await runCli(['site', '--out', out, '--config', ws.config, '--state', ws.state], {
      env: { ...env, GITHUB_REPOSITORY: 'acme/ops' },
      now: () => NOW,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote 43 files to ${out}`);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<title>Acme status</title>');
    expect(html).toContain('href="https://github.com/acme/ops/issues/12"');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await readdir(join(out, 'badges', 'api'))).sort()).toHaveLength(10);
  });

  it('needs --out (exit 2, says how)', async () => {
    const run = await runCli(['site', '--config', ws.config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('uptime-action site --out public');
  });
});

describe('uptime-action badges', () => {
  it('prints Markdown for every service from --base-url, else statusPage.url', async () => {
    const run = await runCli(['badges', '--config', ws.config, '--base-url', 'https://x.example/s'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'https://img.shields.io/endpoint?url=https%3A%2F%2Fx.example%2Fs%2Fbadges%2Fworker%2Fuptime-30d.json',
    );
    const fallback = await runCli(['badges', '--config', ws.config], { env });
    expect(fallback.stdout).toContain('acme.github.io%2Fstatus%2Fbadges%2Fapi%2Fstatus.json');
  });
});

describe('uptime-action notify --test', () => {
  it('sends to every target, reports each, exit 1 when one failed, no secret printed', async () => {
    rx.requests = [];
    const run = await runCli(['notify', '--test', '--config', ws.config], {
      env: { ...env, TELEGRAM_API_URL: rx.origin },
      now: () => NOW,
    });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('✅ webhook #1: test message delivered');
    expect(lines[1]).toBe('✅ telegram "ops": test message delivered');
    expect(lines[2]).toMatch(/^❌ Test message to slack #3 failed: could not connect/);
    // It does not tell you to run the command you are running.
    expect(lines[2]).not.toContain('notify --test');
    expect(rx.requests.map((r) => r.path).sort()).toEqual(['/bot123456:TELEGRAMsecret/sendMessage', '/hook']);
    for (const secret of Object.values(env).filter(Boolean))
      expect(run.stdout + run.stderr).not.toContain(secret);
  }, 30_000);

  it('without targets: exit 2 with an example', async () => {
    const bare = await workspace(SERVICES);
    try {
      const run = await runCli(['notify', '--test', '--config', bare.config]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('No notify: targets');
    } finally {
      await bare.cleanup();
    }
  });
});

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { closeAllTestServers, refusedUrl, startTestServer } from '../helpers/servers.js';
import { runCli, workspace } from './run.js';

afterAll(closeAllTestServers);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(yaml: string) {
  const ws = await workspace(yaml);
  cleanups.push(ws.cleanup);
  return ws;
}

function twoServices(apiUrl: string, webUrl: string, extra = ''): string {
  return `mode: extreme
services:
  api:
    name: API Server
    url: ${apiUrl}
    timeout: 2s
  web:
    name: Web Front
    url: ${webUrl}
    timeout: 2s
${extra}`;
}

describe('uptime-action sweep', () => {
  it('exits 0 and lists every service when all answer healthy', async () => {
    const [api, web] = await Promise.all([startTestServer(), startTestServer()]);
    const ws = await setup(twoServices(api.url, web.url));
    const run = await runCli(['sweep', '--config', ws.config, '--state', ws.state]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✅ API Server\s+up\s+\d+ms/);
    expect(run.stdout).toMatch(/✅ Web Front\s+up/);
    expect(run.stdout).toContain('UP: 2 of 2 services healthy (mode extreme)');
    expect(api.requests).toBe(1);
    expect(existsSync(ws.state)).toBe(true);
  });

  it('exits 1 and says why when one service is down', async () => {
    const api = await startTestServer();
    const web = await startTestServer({ kind: 'status', status: 503 });
    const ws = await setup(twoServices(api.url, web.url));
    const run = await runCli(['sweep', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/🔴 Web Front is DOWN/);
    expect(run.stdout).toMatch(/❌ Web Front\s+down\s+— .*503/);
    expect(run.stdout).toContain('DOWN: 1 of 2 services healthy');
    // extreme mode: one failure, confirmed by two immediate re-probes (a fast failure)
    expect(web.requests).toBe(3);
  });

  it('--json prints the sweep summary and nothing else on stdout', async () => {
    const api = await startTestServer();
    const ws = await setup(twoServices(api.url, await refusedUrl()));
    const run = await runCli(['sweep', '--json', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as Record<string, unknown> & {
      services: Record<string, Record<string, unknown>>;
    };
    expect(summary).toMatchObject({
      status: 'down',
      mode: 'extreme',
      downServices: ['web'],
      recoveredServices: [],
    });
    expect(summary.services.api).toMatchObject({ name: 'API Server', status: 'up', error: null });
    expect(typeof summary.services.api.responseMs).toBe('number');
    expect(summary.services.web).toMatchObject({ status: 'down', responseMs: null });
    expect(String(summary.services.web.error)).not.toBe('');
  });

  it('a heartbeat, which no sweep can receive pings for, is counted neither healthy nor failing, and said so', async () => {
    const api = await startTestServer();
    const token = 'p'.repeat(32);
    const ws = await setup(
      `mode: extreme\nservices:\n  api:\n    url: ${api.url}\n  nightly:\n    type: heartbeat\n    every: 1h\n    token: \${NIGHTLY_TOKEN}\n`,
    );
    const run = await runCli(['sweep', '--config', ws.config, '--state', ws.state], {
      env: { PATH: process.env.PATH, NIGHTLY_TOKEN: token },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'UP: 1 of 1 services healthy; 1 heartbeat(s) not checked here (a sweep cannot receive pings) (mode extreme).',
    );
    expect(run.stdout).not.toContain(token);
  });

  it('--mode normal needs two failures: one failed check is degraded and failing, not yet down (as in the Action)', async () => {
    const api = await startTestServer({ kind: 'status', status: 500 });
    const ws = await setup(`services:\n  api:\n    url: ${api.url}\n`);
    const argv = ['sweep', '--mode', 'normal', '--config', ws.config, '--state', ws.state];
    const run = await runCli([...argv, '--json']);
    // Not down yet: the Action's step would not fail either (src/report/status.ts is the one definition).
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      status: string;
      mode: string;
      downServices: string[];
      services: Record<string, { status: string; failing?: boolean }>;
    };
    expect(summary).toMatchObject({ status: 'degraded', mode: 'normal', downServices: [] });
    // Never "up" with an error.
    expect(summary.services.api).toMatchObject({ status: 'degraded', failing: true });
    expect(api.requests).toBe(1);
    // `status --json` reads the saved state back in the same words.
    const status = await runCli(['status', '--json', '--config', ws.config, '--state', ws.state]);
    const saved = JSON.parse(status.stdout) as {
      services: Record<string, { status: string; failing?: boolean }>;
    };
    expect(saved.services.api).toMatchObject({ status: 'degraded', failing: true });
    // The text report names it `failing`; the second failure makes it down (exit 1).
    const second = await runCli(argv);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/❌ api\s+down/);
  });

  it('exits 2 on a broken config with a message naming the key and the fix', async () => {
    const ws = await setup(`mode: extreme\nservices:\n  api:\n    url: not-a-url\n`);
    const run = await runCli(['sweep', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('services.api.url');
    expect(run.stderr).toMatch(/Fix: /);
    expect(existsSync(ws.state)).toBe(false);
  });

  it('exits 2 when the config file given with --config does not exist', async () => {
    const ws = await setup('');
    const run = await runCli(['sweep', '--config', `${ws.dir}/missing.yml`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing.yml');
    expect(run.stderr).toContain('does not exist');
  });

  it("falls back to the seed's variables when there is no config file", async () => {
    const backend = await startTestServer({ kind: 'up' }, '/health');
    const ws = await setup('');
    const run = await runCli(['sweep', '--json', '--config', '.github/uptime.yml', '--state', ws.state], {
      env: { BACKEND_URL: backend.origin },
    });
    // --config given explicitly: a missing file is an error, not the fallback
    expect(run.code).toBe(2);
    const fallback = await runCli(['sweep', '--json', '--state', ws.state], {
      env: { BACKEND_URL: backend.origin },
      cwd: ws.dir,
    });
    expect(fallback.code).toBe(0);
    const summary = JSON.parse(fallback.stdout) as {
      mode: string;
      services: Record<string, { name: string; status: string }>;
    };
    expect(summary.mode).toBe('extreme');
    expect(summary.services.backend).toMatchObject({ name: 'Backend Node.js', status: 'up' });
    expect(backend.log[0].url).toBe('/health');
  });

  it('never prints a secret from the environment', async () => {
    const secret = 'rw_project_token_5f3a9c1e';
    const api = await startTestServer({ kind: 'status', status: 500 });
    const ws = await setup(
      `mode: extreme\nservices:\n  api:\n    name: "API \${RAILWAY_TOKEN}"\n    url: ${api.url}\n`,
    );
    const run = await runCli(['sweep', '--config', ws.config, '--state', ws.state], {
      env: { RAILWAY_TOKEN: secret },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('API ***');
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(await readFile(ws.state, 'utf8')).not.toContain(secret);
  });
});

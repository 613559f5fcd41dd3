import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

describe('uptime-action doctor', () => {
  it('exits 0 when every check passes, and never runs the restart command', async () => {
    const server = await startTestServer();
    const ws = await setup(`services:
  api:
    name: API Server
    url: ${server.url}
    recovery: { provider: command, restart: "sh -c 'touch restarted'", cwd: CWD }
  web:
    url: ${server.url}
`);
    await writeFile(ws.config, (await readFile(ws.config, 'utf8')).replace('CWD', ws.dir));
    const run = await runCli(['doctor', '--config', ws.config], {
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('all passed ✅');
    expect(run.stdout).toMatch(/✅ API Server \(api\) · command/);
    expect(run.stdout).toContain('restart command found');
    expect(run.stdout).toMatch(/✅ health URL answers\s+http:\/\/127\.0\.0\.1:\d+\S* → HTTP 200 in \d+ms/);
    expect(run.stdout).toMatch(/✅ web \(web\)/);
    expect(existsSync(join(ws.dir, 'restarted'))).toBe(false);
  });

  it('exits 1 with a ❌ row and the fix when a check fails', async () => {
    const ws = await setup(`services:
  api:
    name: API Server
    url: http://127.0.0.1:9/health
    recovery: { provider: command, restart: "no-such-program-uptime restart api" }
`);
    const run = await runCli(['doctor', '--config', ws.config], {
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/❌ API Server/);
    expect(run.stdout).toContain('no-such-program-uptime is not on PATH');
    expect(run.stdout).toMatch(/fix: Install no-such-program-uptime/);
  });

  it('checks a Railway service without a token as failing, naming the token to set', async () => {
    const ws = await setup(`services:
  backend:
    name: Backend Node.js
    url: http://127.0.0.1:9/health
    recovery: { provider: railway, serviceId: svc-123 }
`);
    const run = await runCli(['doctor', '--config', ws.config], {
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/❌ Backend Node\.js/);
    expect(run.stdout).toMatch(/RAILWAY_(API_)?TOKEN/);
  });

  it('probes every URL and names what it found: a refused port with its fix; --json carries the same rows', async () => {
    const ws = await setup(`services:\n  api:\n    name: API Server\n    url: ${await refusedUrl()}\n`);
    const run = await runCli(['doctor', '--config', ws.config]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/❌ health URL answers/);
    expect(run.stdout).toMatch(/fix: nothing listens there/);
    const json = await runCli(['doctor', '--json', '--config', ws.config]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      services: Array<{ checks: Array<{ check: string; ok: boolean }> }>;
    };
    expect(report.ok).toBe(false);
    expect(report.services[0].checks[0]).toMatchObject({ check: 'health URL answers', ok: false });
  });

  it('an unreachable Railway API: one row naming the endpoint, the cause and the fix, no claim about the token', async () => {
    const up = await startTestServer();
    const railway = (await refusedUrl('/graphql')).toString();
    const ws = await setup(
      `services:\n  api:\n    url: ${up.url}\n    recovery: { provider: railway, serviceId: svc-1 }\n`,
    );
    const run = await runCli(['doctor', '--config', ws.config], {
      env: { PATH: process.env.PATH, RAILWAY_API_TOKEN: 'secret-token-value', RAILWAY_API_URL: railway },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `❌ Railway API reachable  could not reach Railway at ${railway} (ECONNREFUSED)`,
    );
    expect(run.stdout).toContain('fix: check RAILWAY_API_URL or your network');
    expect(run.stdout).not.toContain('token accepted');
    expect(run.stdout).not.toContain('secret-token-value');
  }, 30_000);
});

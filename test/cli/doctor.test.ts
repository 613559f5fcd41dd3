import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, workspace } from './run.js';

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
    const ws = await setup(`services:
  api:
    name: API Server
    url: http://127.0.0.1:9/health
    recovery: { provider: command, restart: "sh -c 'touch restarted'", cwd: CWD }
  web:
    url: http://127.0.0.1:9/health
`);
    await writeFile(ws.config, (await readFile(ws.config, 'utf8')).replace('CWD', ws.dir));
    const run = await runCli(['doctor', '--config', ws.config, '--state', ws.state], {
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('all passed ✅');
    expect(run.stdout).toMatch(/✅ API Server \(api\) · command/);
    expect(run.stdout).toContain('restart command found');
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
    const run = await runCli(['doctor', '--config', ws.config, '--state', ws.state], {
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
    const run = await runCli(['doctor', '--config', ws.config, '--state', ws.state], {
      env: { PATH: process.env.PATH },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/❌ Backend Node\.js/);
    expect(run.stdout).toMatch(/RAILWAY_(API_)?TOKEN/);
  });
});

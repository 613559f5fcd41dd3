import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { version } from '../../cli/main.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { runCli, workspace } from './run.js';

afterAll(closeAllTestServers);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A config whose `api` service restarts with a command that leaves a marker file. */
async function commandService(url: string) {
  const ws = await workspace('');
  cleanups.push(ws.cleanup);
  const marker = join(ws.dir, 'restarted.txt');
  const yaml = `mode: extreme
recoveryTimeout: 5s
services:
  api:
    name: API Server
    url: ${url}
    timeout: 2s
    recovery:
      provider: command
      restart: node -e "require('fs').appendFileSync(process.argv[1], 'x')" "${marker}"
`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(ws.config, yaml);
  return { ...ws, marker };
}

describe('uptime-action restart / redeploy', () => {
  it('--dry-run says what it would do and changes nothing', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['restart', 'api', '--dry-run', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dry run: would restart API Server through command/);
    expect(existsSync(ws.marker)).toBe(false);
    expect(existsSync(ws.state)).toBe(false);
    expect(api.requests).toBe(0);
  });

  it('restarts through the provider, verifies health and records the repair', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['restart', 'api', '--config', ws.config, '--state', ws.state]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/🚀 API Server: restart done, healthy after/);
    expect(await readFile(ws.marker, 'utf8')).toBe('x');
    const state = JSON.parse(await readFile(ws.state, 'utf8')) as {
      services: Record<string, { repairs: number; attempts: Array<{ trigger: string }> }>;
    };
    expect(state.services.api.repairs).toBe(1);
    expect(state.services.api.attempts[0].trigger).toBe('command');
    // status shows the repair from the state file
    const status = await runCli(['status', '--config', ws.config, '--state', ws.state]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('API Server');
  });

  it('exits 1 with the reason when the service does not come back', async () => {
    const api = await startTestServer({ kind: 'status', status: 503 });
    const ws = await commandService(api.url);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      ws.config,
      (await readFile(ws.config, 'utf8')).replace('recoveryTimeout: 5s', 'recoveryTimeout: 1s'),
    );
    const run = await runCli(['restart', 'api', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/API Server: the restart went through but the service did not answer healthy/);
  });

  it('refuses redeploy when the service has no redeploy command (exit 1, says why)', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['redeploy', 'api', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not allow redeploy/);
    expect(existsSync(ws.marker)).toBe(false);
  });

  it('exits 2 for an unknown service, listing the known ones', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['restart', 'nope', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown service "nope"');
    expect(run.stderr).toContain('Known services: api');
    const missing = await runCli(['redeploy', '--config', ws.config]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('redeploy needs a service');
  });
});

describe('uptime-action status', () => {
  it('says so when nothing was checked yet', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['status', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No checks recorded yet');
    expect(api.requests).toBe(0);
  });

  it('shows the dashboard after a sweep', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    expect((await runCli(['sweep', '--config', ws.config, '--state', ws.state])).code).toBe(0);
    const run = await runCli(['status', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('API Server');
    expect(run.stdout).toMatch(/100(\.0+)?%/);
  });
});

describe('uptime-action watch', () => {
  it('prints the startup banner, watches for --duration, saves the state and the status block', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const run = await runCli(['watch', '--duration', '1500ms', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('EXTREME MODE');
    expect(run.stdout).toMatch(/Check interval: 5s/);
    expect(run.stdout).toMatch(/Parallel recovery: ON/);
    expect(run.stdout).toMatch(/Predictive restart: ON/);
    expect(run.stdout).toContain(api.url);
    expect(run.stdout).toContain('API Server');
    expect(api.requests).toBeGreaterThanOrEqual(1);
    expect(existsSync(ws.state)).toBe(true);
    // Under a minute: no block per sweep, only the closing one.
    expect(run.stdout.match(/STATUS REPORT/g)).toHaveLength(1);
  });

  it('prints the status block during the run once its clock says a minute has passed', async () => {
    const api = await startTestServer();
    const ws = await commandService(api.url);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      ws.config,
      (await readFile(ws.config, 'utf8')).replace('mode: extreme', 'mode: extreme\nhealthCheckInterval: 1s'),
    );
    // The CLI's clock (status block timing): each reading is a minute and a second after the previous one.
    let t = Date.UTC(2026, 0, 1);
    const now = () => (t += 61_000);
    const run = await runCli(['watch', '--duration', '2500ms', '--config', ws.config, '--state', ws.state], {
      now,
    });
    expect(run.code).toBe(0);
    expect(api.requests).toBeGreaterThanOrEqual(2);
    // One block per sweep (a minute passed each time), and no repeat of the last one at the end.
    expect(run.stdout.match(/STATUS REPORT/g)).toHaveLength(api.requests);
  });

  it('stops cleanly on Ctrl-C (abort) and saves the state', async () => {
    const controller = new AbortController();
    // Ctrl-C as soon as the first check has reached the service.
    const api = await startTestServer({
      kind: 'custom',
      handle: (_req, res) => {
        res.writeHead(200).end('ok');
        controller.abort();
      },
    });
    const ws = await commandService(api.url);
    const run = await runCli(['watch', '--mode', 'normal', '--config', ws.config, '--state', ws.state], {
      signal: controller.signal,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Predictive restart: OFF/);
    expect(run.stdout).toContain('Stopped; state saved');
    expect(existsSync(ws.state)).toBe(true);
  });
});

describe('command line', () => {
  it('--help and help print the commands; --version the version', async () => {
    for (const argv of [['--help'], ['help'], []]) {
      const run = await runCli(argv);
      expect(run.code).toBe(0);
      for (const command of ['check', 'watch', 'status', 'restart', 'redeploy', 'doctor', 'demo'])
        expect(run.stdout).toContain(command);
    }
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(version());
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command, option or mode', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    const option = await runCli(['check', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--bogus');
    const mode = await runCli(['check', '--mode', 'ludicrous']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('use normal or extreme');
    const duration = await runCli(['watch', '--duration', 'soon']);
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('--duration "soon"');
  });
});

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { runCli, workspace } from './run.js';

afterAll(closeAllTestServers);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** `api` rolls back with a command that leaves a marker file (the command provider keeps no deployment list). */
async function rollbackService(url: string) {
  const ws = await workspace('');
  cleanups.push(ws.cleanup);
  const marker = join(ws.dir, 'rolled-back.txt');
  await writeFile(
    ws.config,
    `mode: extreme
recoveryTimeout: 5s
services:
  api:
    name: API Server
    url: ${url}
    timeout: 2s
    recovery:
      provider: command
      restart: "true"
      rollback: node -e "require('fs').appendFileSync(process.argv[1], 'x')" "${marker}"
      actions: [restart, rollback]
`,
  );
  return { ...ws, marker };
}

/** A service that answers 503 until the rollback command has left its marker (a bad deploy rolled back). */
async function badDeploy() {
  let marker = '';
  const api = await startTestServer({
    kind: 'custom',
    handle: (_req, res) => res.writeHead(marker && existsSync(marker) ? 200 : 503).end(),
  });
  const ws = await rollbackService(api.url);
  marker = ws.marker;
  return ws;
}

describe('uptime-action rollback', () => {
  it('--dry-run says what it would do (and why the target cannot be named) and changes nothing', async () => {
    const ws = await badDeploy();
    const run = await runCli(['rollback', 'api', '--dry-run', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Dry run: would roll back API Server to its previous deployment (Command does not list deployments, so the target can't be named) through command",
    );
    expect(existsSync(ws.marker)).toBe(false);
    expect(existsSync(ws.state)).toBe(false);
  });

  it('runs the configured rollback, verifies health and records a rollback attempt', async () => {
    const ws = await badDeploy();
    const run = await runCli(['rollback', 'api', '--config', ws.config, '--state', ws.state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/🚀 API Server: rollback done, healthy after/);
    expect(await readFile(ws.marker, 'utf8')).toBe('x');
    const state = JSON.parse(await readFile(ws.state, 'utf8')) as {
      services: Record<string, { attempts: Array<{ action: string }> }>;
    };
    expect(state.services.api.attempts.map((a) => a.action)).toEqual(['rollback']);
  });

  it('refuses to roll back a service that answers healthy now (it looks before it acts)', async () => {
    const api = await startTestServer();
    const ws = await rollbackService(api.url);
    const run = await runCli(['rollback', 'api', '--config', ws.config, '--state', ws.state]);
    expect(`${run.stdout}\n${run.stderr}`).toContain(
      'Not rolling back API Server: it answers healthy now (HTTP 200',
    );
    expect(existsSync(ws.marker)).toBe(false);
  });
});

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';
import { runCli, workspace } from './run.js';

/**
 * `uptime-action watch` with what the scheduled run has (issue 14): the hourly response-time history in the
 * state file, notifications to the `notify:` targets, and `--site DIR` keeping the status site. Real loopback
 * health servers and a real receiver.
 */

afterAll(closeAllTestServers);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup() {
  const api = await startTestServer();
  const web = await startTestServer({ kind: 'status', status: 503 });
  const receiver: Receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const ws = await workspace(`mode: extreme
services:
  api:
    name: API Server
    url: ${api.url}
  web:
    name: Web
    url: ${web.url}
notify:
  - { type: webhook, url: "${receiver.origin}/hook" }
`);
  cleanups.push(ws.cleanup);
  return { api, web, receiver, ws };
}

describe('uptime-action watch --site', () => {
  it('writes the status site, books the history in the state file and tells the receiver about the outage once', async () => {
    const { receiver, ws } = await setup();
    const site = join(ws.dir, 'public');
    const run = await runCli([
      'watch',
      '--duration',
      '1500ms',
      '--site',
      site,
      '--config',
      ws.config,
      '--state',
      ws.state,
    ]);
    expect(run.code).toBe(0);
    const status = JSON.parse(await readFile(join(site, 'status.json'), 'utf8')) as {
      services: Array<{ id: string; status: string }>;
    };
    expect(status.services.map((s) => [s.id, s.status])).toEqual([
      ['api', 'up'],
      ['web', 'down'],
    ]);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toContain('API Server');
    expect(existsSync(join(site, 'badges', 'api', 'status.json'))).toBe(true);
    expect(run.stdout).toContain(`🌐 Status site in ${site}: 1 update(s).`);

    const state = JSON.parse(await readFile(ws.state, 'utf8')) as {
      history?: { services: Record<string, { hourly: Array<{ ok: number; total: number }> }> };
    };
    expect(state.history?.services.api.hourly[0].ok).toBeGreaterThanOrEqual(1);
    expect(state.history?.services.web.hourly[0].ok).toBe(0);

    // web's outage (no recovery configured: escalated to people), each once; sent after the state write,
    // and the end of the watch waited for them.
    const told = receiver.requests.map((r) => JSON.parse(r.body) as { service: string; transition: string });
    expect(told.map((t) => `${t.service}:${t.transition}`).sort()).toEqual(['web:down', 'web:escalated']);
  });

  it('a --site that is a file is refused before the first check (exit 2), naming it', async () => {
    const { api, ws } = await setup();
    const file = join(ws.dir, 'site.txt');
    await writeFile(file, 'mine');
    const run = await runCli([
      'watch',
      '-d',
      '1s',
      '--site',
      file,
      '--config',
      ws.config,
      '--state',
      ws.state,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`watch: --site ${file}: The status site folder ${file} cannot be used: it`);
    expect(run.stderr).toContain('is a file');
    expect(api.requests).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it('a --site folder that cannot be created (a file in its path) is refused too', async () => {
    const { ws } = await setup();
    const file = join(ws.dir, 'site.txt');
    await writeFile(file, 'mine');
    const run = await runCli([
      'watch',
      '-d',
      '1s',
      '--site',
      join(file, 'public'),
      '--config',
      ws.config,
      '--state',
      ws.state,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be used: it \(or a folder above it\) is a file\. Give a folder/);
  });

  it('leaves other files in the folder alone', async () => {
    const { ws } = await setup();
    const site = join(ws.dir, 'public');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(site);
    await writeFile(join(site, 'CNAME'), 'status.example.com\n');
    const run = await runCli([
      'watch',
      '-d',
      '1s',
      '--site',
      site,
      '--config',
      ws.config,
      '--state',
      ws.state,
    ]);
    expect(run.code).toBe(0);
    expect(await readFile(join(site, 'CNAME'), 'utf8')).toBe('status.example.com\n');
    expect(existsSync(join(site, 'index.html'))).toBe(true);
  });
});

/**
 * At-least-once notifications through a real crash: the CLI's `watch` records the "down" message in its
 * state write, starts sending it, and is killed with SIGKILL while the receiver still holds that first send
 * (it never answered, so the message has not arrived). The next run takes the pending message over and sends
 * it once, with the same id and a retry count; the outbox is empty after it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, runBuilt } from '../cli/built.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import type { OutboxEntry } from '../../src/state/types.js';
import { compileCache } from '../helpers/bundles.js';

let built: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
let receiver: Server;
const received: Array<{ headers: IncomingHttpHeaders; body: string; answered: boolean }> = [];
/** Until the kill every send is held (never answered); after it every send is answered 200. */
let answering = false;
const held: ServerResponse[] = [];
let firstArrived: () => void;
const first = new Promise<void>((resolve) => (firstArrived = resolve));

beforeAll(async () => {
  built = await buildCli();
  dir = await mkdtemp(join(tmpdir(), 'uptime-outbox-'));
  await mkdir(join(dir, '.github'));
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answered = answering;
      received.push({ headers: req.headers, body, answered });
      if (answered) res.writeHead(200).end('ok');
      else {
        held.push(res);
        firstArrived();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const down = await startTestServer({ kind: 'status', status: 503 });
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await writeFile(
    join(dir, '.github', 'uptime.yml'),
    [
      'mode: extreme',
      'healthCheckInterval: 1s',
      'services:',
      '  api:',
      `    url: ${down.url}`,
      '    timeout: 2s',
      'notify:',
      `  - { type: webhook, url: "${hook}" }`,
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  held.forEach((res) => res.destroy());
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await closeAllTestServers();
  await built?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const statePath = () => join(dir, '.uptime', 'state.json');
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...compileCache() };

describe('a notification outlives a SIGKILL of the CLI', () => {
  it('is pending after the kill and arrives once on the next run, with the same id and a retry count', async () => {
    const child = spawn(process.execPath, [built.cli, 'watch', '--duration', '60s'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
    await first;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const stored = JSON.parse(await readFile(statePath(), 'utf8')) as { outbox?: OutboxEntry[] };
    const pending = stored.outbox?.find((e) => e.event.transition === 'down');
    expect(pending?.event).toMatchObject({ service: 'api', transition: 'down' });
    expect(pending!.owner.pid).toBe(child.pid);
    const id = pending!.event.id;
    const before = received.length;
    expect(received.every((r) => !r.answered)).toBe(true);

    answering = true;
    const next = await runBuilt(built.cli, ['watch', '--duration', '1500ms'], {
      cwd: dir,
      env,
      timeoutMs: 30_000,
    });
    expect(next.code).not.toBeNull();
    const resent = received.slice(before).filter((r) => r.headers['x-uptime-id'] === id);
    // Arrived once: one answered send of that id, on the next run, marked as a retry, with its original time.
    expect(resent).toHaveLength(1);
    expect(received.filter((r) => r.answered && r.headers['x-uptime-id'] === id)).toHaveLength(1);
    expect(resent[0].headers['x-uptime-retries']).toBe('1');
    expect(JSON.parse(resent[0].body)).toMatchObject({
      id,
      transition: 'down',
      at: new Date(pending!.event.at).toISOString(),
    });
    const after = JSON.parse(await readFile(statePath(), 'utf8')) as { outbox?: OutboxEntry[] };
    expect(after.outbox ?? []).toEqual([]);
  }, 90_000);
});

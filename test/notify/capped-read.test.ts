/**
 * A notification receiver that answers an error with a huge body: the message fails with one line quoting
 * the start of it, and the monitor reads only a bounded prefix (the connection is dropped after it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendNotifications } from '../../src/notify/index.js';
import { notifySchema, type NotifyTarget } from '../../src/config/notify.js';
import type { NotificationEvent } from '../../src/state/types.js';

const HUGE = 400 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 'x');
let server: Server;
let url: string;
/** Bytes the receiver managed to write before the monitor hung up. */
let written = 0;
let closed: Promise<void>;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    closed = new Promise((resolve) => res.once('close', () => resolve()));
    res.writeHead(500, { 'content-type': 'text/plain', 'content-length': HUGE });
    res.write('receiver exploded: ');
    const pump = () => {
      while (written < HUGE && !res.destroyed) {
        written += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const event: NotificationEvent = {
  id: 'api:down:1',
  service: 'api',
  serviceName: 'API',
  transition: 'down',
  at: Date.UTC(2026, 10, 30),
  reason: 'HTTP 503',
};

describe('a receiver answering 400 MB', () => {
  it('fails the message with the first words of the answer, reading a bounded prefix only', async () => {
    const targets = notifySchema.parse([{ type: 'webhook', url }]) as NotifyTarget[];
    const before = process.memoryUsage().rss;
    const result = await sendNotifications(targets, [event], { retries: 0, timeoutMs: 10_000 });
    const grew = process.memoryUsage().rss - before;
    await closed;
    expect(result.sent).toBe(0);
    expect(result.failures[0].message).toContain('HTTP 500 receiver exploded: xxx');
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(grew).toBeLessThan(64 * 1024 * 1024);
  });
});

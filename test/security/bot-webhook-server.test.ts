/**
 * Attacks on the bot's webhook server (issue 9, "Webhook server"), against the real server on 127.0.0.1:
 * oversized and slow bodies, replays, unsigned deliveries, and a recovery slower than GitHub's 10 s.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_LIMITS } from '../../bot/server.js';
import type { Provider } from '../../src/providers/types.js';
import { startService } from '../bot/fixtures.js';
import { sign, startHarness, type Harness } from './bot-harness.js';

let h: Harness;
let service: Awaited<ReturnType<typeof startService>>;
/** The slow provider's pending restarts: each resolves when the test says so. */
const pending: Array<() => void> = [];
let providerCalls = 0;

const slow = () => {
  providerCalls++;
  return new Promise<{ ok: boolean; detail: string }>((resolve) =>
    pending.push(() => resolve({ ok: true, detail: 'restarted by the slow platform' })),
  );
};
const slowProvider: Provider = { type: 'webhook', restart: slow, redeploy: slow };

beforeAll(async () => {
  service = await startService();
  const config = [
    'successThreshold: 1',
    'services:',
    '  api:',
    `    url: ${service.origin}/health`,
    `    recovery: { provider: webhook, url: "${service.origin}/restart" }`,
    '',
  ].join('\n');
  h = await startHarness(config, {
    env: { UPTIME_ALLOWED_PROVIDERS: 'webhook', UPTIME_PRIVATE_TARGETS: 'allow' },
    bot: {
      provider: () => slowProvider,
      // A 2 MiB cap (25 MB by default) so the chunked attack hits it well within the request timeout on a busy
      // machine (2 s: at 600 ms a starved loop read less than 2 MiB in time and the body timeout cut it first).
      limits: { headersTimeoutMs: 300, requestTimeoutMs: 2000, maxBodyBytes: 2 * 1024 * 1024 },
    },
  });
});

afterAll(async () => {
  pending.forEach((resolve) => resolve());
  await h?.close();
  await service?.close();
});

/** Sends headers (and `firstBytes` of the body), then waits for the status line or the connection's end. */
function partialPost(headers: Record<string, string | number>, firstBytes: Buffer) {
  return new Promise<{ status?: number; closed: boolean }>((resolve) => {
    const url = new URL(h.bot.url);
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/api/github/webhooks',
      headers,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('close', () => resolve({ status: res.statusCode, closed: true }));
    });
    req.on('error', () => resolve({ closed: true }));
    req.write(firstBytes);
  });
}

describe('the webhook server under attack', () => {
  it('answers 413 to a declared 400 MB body after reading at most one chunk, and drops the connection', async () => {
    const before = process.memoryUsage().rss;
    const answer = await partialPost(
      {
        'content-length': 400 * 1024 * 1024,
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'big-1',
      },
      Buffer.alloc(64 * 1024, 'a'),
    );
    expect(answer).toEqual({ status: 413, closed: true });
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('cuts a chunked body off at the cap with a 413 (2 MiB here, 25 MB by default)', async () => {
    const url = new URL(h.bot.url);
    const answer = await new Promise<number | undefined>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/github/webhooks',
        headers: {
          'transfer-encoding': 'chunked',
          'x-github-event': 'issue_comment',
          'x-github-delivery': 'big-2',
          'x-hub-signature-256': sign('whatever'),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      // 40 MiB, streamed with back-pressure (the server stops reading at the cap).
      Readable.from(
        (function* () {
          for (let i = 0; i < 40; i++) yield chunk;
        })(),
      ).pipe(req);
    });
    expect(answer).toBe(413);
    expect(DEFAULT_LIMITS.maxBodyBytes).toBe(25 * 1024 * 1024);
    expect(h.logs.join('').includes('aaaaaaaa')).toBe(false);
  });

  it('closes a connection whose body never finishes (request timeout)', async () => {
    const answer = await partialPost(
      {
        'content-length': 1000,
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'slow-1',
        'x-hub-signature-256': sign('x'),
      },
      Buffer.from('{"a":'),
    );
    expect(answer.closed).toBe(true);
    expect(answer.status === undefined || answer.status === 408).toBe(true);
  });

  it('closes all of 100 slow-body connections by the request timeout, and still answers afterwards', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        partialPost(
          {
            'content-length': 1000,
            'x-github-event': 'issue_comment',
            'x-github-delivery': `slow-many-${i}`,
            'x-hub-signature-256': sign('x'),
          },
          Buffer.from('{"a":'),
        ),
      ),
    );
    expect(answers.filter((a) => !a.closed)).toEqual([]);
    const ping = await fetch(`${h.bot.url}/api/github/webhooks`, { method: 'GET' });
    expect(ping.status).toBeLessThan(500);
  });

  it('closes a connection whose headers never finish (headers timeout)', async () => {
    const url = new URL(h.bot.url);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('POST /api/github/webhooks HTTP/1.1\r\nHost: x\r\nX-Slow: '),
      );
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(true));
    });
    expect(closed).toBe(true);
  });

  it('refuses an unsigned or forged delivery without logging its body, and runs nothing', async () => {
    const marker = 'BODY-MARKER-7f3a';
    const body = JSON.stringify({
      action: 'created',
      secret: marker,
      comment: { body: `/restart api ${marker}` },
    });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'issue_comment' };
    const unsigned = await fetch(`${h.bot.url}/api/github/webhooks`, {
      method: 'POST',
      body,
      headers: { ...headers, 'x-github-delivery': 'u-1' },
    });
    const forged = await fetch(`${h.bot.url}/api/github/webhooks`, {
      method: 'POST',
      body,
      headers: { ...headers, 'x-github-delivery': 'u-2', 'x-hub-signature-256': sign(body, 'guess') },
    });
    expect(unsigned.status).toBe(400);
    expect(forged.status).toBe(401);
    await h.bot.idle();
    expect(h.logs.join('')).not.toContain(marker);
    expect(h.logs.join('')).toContain('does not match WEBHOOK_SECRET');
    expect(h.stub.requests).toEqual([]);
  });

  it('answers before a slow recovery finishes, posts the reply after, and runs a replayed delivery once', async () => {
    const delivery = 'slow-recovery-1';
    const first = await h.comment('/restart api', { delivery });
    // The HTTP answer is here while the provider has not answered.
    expect(first.status).toBe(202);
    const replay = await h.comment('/restart api', { delivery });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain('Already handled');
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    expect(h.replies().some((r) => r.includes('Restarted'))).toBe(false);
    pending.shift()!();
    await h.bot.idle();
    expect(providerCalls).toBe(1);
    expect(h.replies().filter((r) => r.includes('Restarted')).length).toBe(1);
    // No part of the payload: every webhook object has a node_id and an avatar_url.
    const leaked = h.logs.filter((l) => /node_id|avatar_url/.test(l));
    expect(leaked.map((l) => l.slice(0, 300))).toEqual([]);
  });
});

/**
 * The 413 a client can read on a busy machine: 30 MB bodies (declared and chunked) against the real bot
 * server with its default 25 MiB cap, from a sender in its own process, beside a child process spinning a
 * CPU, 20 times each. Before the lingering close the server dropped the connection with the body unread,
 * and the kernel's reset could reach the sender before it had read the answer (ECONNRESET, EPIPE).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_LIMITS, WEBHOOK_PATH } from '../../bot/server.js';
import { startHarness, type Harness } from './bot-harness.js';

const sender = fileURLToPath(new URL('./post-oversized.mjs', import.meta.url));
const BODY_BYTES = 30 * 1024 * 1024;
const ROUNDS = 20;

let h: Harness;
let burner: ChildProcess;

beforeAll(async () => {
  h = await startHarness('services: {}\n');
  // Spinning from here to the end of the file (not while the bot starts: the suite's other worker needs the core).
  burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
});

afterAll(async () => {
  burner?.kill('SIGKILL');
  await h?.close();
});

describe('an oversized webhook on a busy machine', () => {
  it('is answered 413 every time, 20 declared and 20 chunked 30 MB bodies beside a CPU burner, in bounded memory', async () => {
    expect(DEFAULT_LIMITS.maxBodyBytes).toBe(25 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let out: string;
    try {
      ({ stdout: out } = await promisify(execFile)(process.execPath, [
        sender,
        `${h.bot.url}${WEBHOOK_PATH}`,
        String(BODY_BYTES),
        String(ROUNDS),
      ]));
    } finally {
      clearInterval(sampler);
    }
    const { declared, chunked } = JSON.parse(out) as Record<string, unknown[]>;
    expect(declared).toEqual(Array(ROUNDS).fill(413));
    expect(chunked).toEqual(Array(ROUNDS).fill(413));
    // 1.2 GB reached the server. A chunked body is held up to the 25 MiB cap before the 413, nothing after it.
    expect(peak - before).toBeLessThan(128 * 1024 * 1024);
    expect(h.logs.join('').includes('aaaaaaaa')).toBe(false);
    const ping = await fetch(`${h.bot.url}/ping`);
    expect(await ping.text()).toBe('PONG');
  }, 120_000);
});

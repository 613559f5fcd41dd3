#!/usr/bin/env node
/**
 * Resident memory of the real bot process (`node --import tsx bot/index.ts`) under the issue-9 webhook attacks,
 * read from /proc/<pid>/status (VmRSS, VmHWM). Not part of `npm test` (it takes ~90 s).
 *
 *   [FORGED=1] node test/security/measure-bot.mjs [repo-dir]    # default: the current directory
 *
 * Phases: idle; an unsigned POST declaring 400 MB, streamed in 1 MiB chunks with back-pressure for at most 20 s
 * (stopped early if the bot passes 2 GB, to spare the machine); 100 connections that send headers and 5 bytes
 * of a 1000-byte body, then nothing (how many are still open at 5, 35 and 65 s). Prints one JSON object.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';

const dir = process.argv[2] ?? process.cwd();
const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const status = (pid) => {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rssMB: Math.round(kb('VmRSS') / 1024), hwmMB: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMB: 0, hwmMB: 0, gone: true };
  }
};

const port = await freePort();
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
  cwd: dir,
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    APP_ID: '123',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: 'measure-secret',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let logBytes = 0;
child.stdout.on('data', (c) => (logBytes += c.length));
child.stderr.on('data', (c) => (logBytes += c.length));

// Wait until it listens.
for (let i = 0; ; i++) {
  const up = await new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (up) break;
  if (i > 300 || child.exitCode !== null) throw new Error(`bot did not start (exit ${child.exitCode})`);
  await sleep(100);
}
await sleep(2000);
const result = { dir, forgedSignature: Boolean(process.env.FORGED), idle: status(child.pid) };

// 1. Unsigned 400 MB POST.
{
  const logBefore = logBytes;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, status(child.pid).rssMB)), 100);
  const started = Date.now();
  const outcome = await new Promise((resolve) => {
    let sent = 0;
    let stopped = '';
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/github/webhooks',
      headers: {
        'content-type': 'application/json',
        'content-length': 400 * MB,
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'measure-big',
        // FORGED=1: a signature header that does not match, so a server must read the body to check it.
        ...(process.env.FORGED ? { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } : {}),
      },
    });
    const finish = (how) => resolve({ how, sentMB: Math.round(sent / MB), stopped });
    req.on('response', (res) => {
      res.resume();
      finish(`HTTP ${res.statusCode}`);
    });
    req.on('error', (e) => finish(`connection ${e.code ?? e.message}`));
    const chunk = Buffer.alloc(MB, 'a');
    const pump = () => {
      while (sent < 400 * MB) {
        if (Date.now() - started > 20_000) return ((stopped = '20 s limit'), req.destroy());
        if (status(child.pid).rssMB > 2048) return ((stopped = 'bot above 2 GB'), req.destroy());
        sent += MB;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  await sleep(1500);
  clearInterval(sampler);
  result.oversized = {
    ...outcome,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    peakRssMB: peak,
    after: status(child.pid),
    logKB: Math.round((logBytes - logBefore) / 1024),
  };
}

// 2. 100 slow-body connections.
{
  const sockets = [];
  let closed = 0;
  for (let i = 0; i < 100; i++) {
    const s = connect(port, '127.0.0.1', () =>
      s.write(
        `POST /api/github/webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-GitHub-Event: issue_comment\r\nX-GitHub-Delivery: slow-${i}\r\nX-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\n\r\n{"a":`,
      ),
    );
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => closed++);
    sockets.push(s);
  }
  const started = Date.now();
  const openAt = {};
  let peak = 0;
  for (const t of [5, 35, 65]) {
    while (Date.now() - started < t * 1000) {
      peak = Math.max(peak, status(child.pid).rssMB);
      await sleep(250);
    }
    openAt[`${t}s`] = 100 - closed;
  }
  sockets.forEach((s) => s.destroy());
  result.slowBodies = { stillOpen: openAt, peakRssMB: peak };
}
result.end = status(child.pid);
child.kill('SIGTERM');
console.log(JSON.stringify(result, null, 2));
process.exit(0);

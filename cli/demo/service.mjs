#!/usr/bin/env node
/**
 * A tiny health service for the demo (plain Node, no build step): `node service.mjs <name> <port> <ownerPid>`.
 *
 * GET /health answers {"status":"ok"}. POST /__slow?step=150 makes every later /health answer `step` ms
 * slower than the one before (a leak-like slow death), until the process is restarted. A 4th argument is the
 * version: version 2 is a bad deploy whose /health answers 500.
 * It exits on its own when the demo that owns it is gone, so a killed demo never leaves it behind.
 */
import http from 'node:http';

const [name = 'service', portText = '0', ownerText = '0', version = '1'] = process.argv.slice(2);
// Version 2 is the demo's bad deploy: it boots, logs (with secrets the incident must not show) and fails /health.
const broken = version === '2';
const port = Number(portText);
const owner = Number(ownerText);
let step = 0;
let delay = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/__slow') {
    step = Number(url.searchParams.get('step') ?? 150);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: name, step }));
    return;
  }
  if (url.pathname === '/health' && broken) {
    process.stdout.write(
      `${new Date().toISOString()} ERROR GET /health -> 500 TypeError: Cannot read properties of undefined (reading 'ttl') at cache.js:42\n`,
    );
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', service: name, version }));
    return;
  }
  if (url.pathname === '/health') {
    delay += step;
    const wait = delay;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', service: name, pid: process.pid, delayMs: wait }));
    }, wait);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(port, '127.0.0.1', () => {
  const bound = server.address().port;
  process.stdout.write(`${name} v${version} listening on 127.0.0.1:${bound} (pid ${process.pid})
`);
  if (broken) {
    process.stdout.write(
      `${new Date().toISOString()} INFO connecting to postgres://app:s3cr3t-pw@db.internal:5432/app
`,
    );
    process.stdout.write(
      `${new Date().toISOString()} INFO cache client auth: Bearer demo-token-abcdef123456
`,
    );
  }
  // Started by the demo with port 0: tell it which port the kernel gave, then cut the IPC channel.
  process.send?.({ port: bound }, () => process.disconnect());
});

// Leave nothing behind: stop when the owner (the demo) is gone.
if (owner > 0) {
  setInterval(() => {
    try {
      process.kill(owner, 0);
    } catch {
      process.exit(0);
    }
  }, 500);
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

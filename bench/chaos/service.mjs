#!/usr/bin/env node
/**
 * A chaos-run service (plain Node): `node service.mjs <name> <port> <behaviour> <ownerPid>`.
 * GET /health answers {"status":"ok"}, except:
 *   flaky   every 5th answer is a single 503 (the next one is fine);
 *   flappy  503 during 2.5 s of every 8 s (by the wall clock, so a restart does not fix it).
 * Exits by itself when the owner process is gone, so a killed chaos run leaves nothing behind.
 */
import http from 'node:http';

const [name = 'service', portText = '0', behaviour = 'steady', ownerText = '0'] = process.argv.slice(2);
const owner = Number(ownerText);
let requests = 0;

const server = http.createServer((req, res) => {
  if (!req.url?.startsWith('/health')) {
    res.writeHead(404).end();
    return;
  }
  requests++;
  const failing =
    (behaviour === 'flaky' && requests % 5 === 0) || (behaviour === 'flappy' && Date.now() % 8000 < 2500);
  res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: failing ? 'unavailable' : 'ok', service: name, pid: process.pid }));
});

// Port 0 on the first start: the kernel picks a free port and `ready <port>` tells the parent which.
server.listen(Number(portText), '127.0.0.1', () =>
  process.stdout.write(`${name} ready ${server.address().port}\n`),
);

if (owner > 0) {
  setInterval(() => {
    try {
      process.kill(owner, 0);
    } catch {
      process.exit(0);
    }
  }, 500).unref();
}
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

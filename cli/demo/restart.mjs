#!/usr/bin/env node
/**
 * The demo's restart command, run by the `command` provider:
 * `node restart.mjs <name> <port> <pidfile> <ownerPid> [logfile]`; the version to start is read from
 * `<name>.version` in the current folder (default 1).
 *
 * A real process restart: stops the process in the pidfile (if it is still alive), waits for the port to
 * be free, starts a new service process on the SAME port (detached, so it outlives this script), writes its
 * pid, and exits 0 once the new process accepts connections (1 otherwise).
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, portText, pidfile, ownerText = '0', logfile] = process.argv.slice(2);
if (!name || !portText || !pidfile) {
  process.stderr.write('usage: restart.mjs <name> <port> <pidfile> [ownerPid] [logfile]\n');
  process.exit(2);
}
const port = Number(portText);
const service = join(dirname(fileURLToPath(import.meta.url)), 'service.mjs');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true when something accepts a connection on the port. */
function listening() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(predicate, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(50);
  }
  return false;
}

function readPid() {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if (error.code === 'ESRCH') return false;
    throw error;
  }
}

const old = readPid();
if (old !== undefined && signal(old, 'SIGTERM')) {
  // A graceful stop first; a hung process gets SIGKILL after 1 s.
  if (!(await waitFor(async () => !(await listening()), 1000))) signal(old, 'SIGKILL');
}
if (!(await waitFor(async () => !(await listening()), 5000))) {
  process.stderr.write(`${name}: port ${port} is still in use after stopping pid ${old}; cannot restart.\n`);
  process.exit(1);
}

const out = logfile ? openSync(logfile, 'a') : 'ignore';
// The version to run: `<name>.version` in this folder (written by the demo's deploys and rollbacks), default 1.
let version = '1';
try {
  version = readFileSync(`${name}.version`, 'utf8').trim() || '1';
} catch {
  // no deploy yet: version 1
}
const child = spawn(process.execPath, [service, name, String(port), ownerText, version], {
  detached: true,
  stdio: ['ignore', out, out],
});
child.unref();
writeFileSync(pidfile, `${child.pid}\n`);

if (await waitFor(listening, 5000)) {
  process.stdout.write(`${name} restarted: pid ${old ?? '-'} -> ${child.pid} on port ${port}\n`);
  process.exit(0);
}
process.stderr.write(
  `${name}: the new process (pid ${child.pid}) did not listen on port ${port} within 5 s.\n`,
);
process.exit(1);

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One local service of the demo: a real process (service.mjs) on a loopback port it picked itself. */
export interface DemoService {
  key: string;
  name: string;
  /** 0 until {@link startService} has it listening (port 0: the kernel picks); restarts keep it. */
  port: number;
  /** Holds the pid of the current process; the restart script replaces it. */
  pidfile: string;
  /** stdout/stderr of every process of this service. */
  logfile: string;
}

/** A demo script beside this module, or under cli/demo/ when running from the bundle (dist/cli.js). */
function demoScript(name: string): string {
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL(`../cli/demo/${name}`, import.meta.url));
}

const SERVICE_SCRIPT = demoScript('service.mjs');
const RESTART_SCRIPT = demoScript('restart.mjs');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether something accepts connections on the loopback port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(predicate: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(50);
  }
  return false;
}

/** The port the child reports over IPC once it listens; undefined when it exits or 5 s pass first. */
function reportedPort(child: ChildProcess): Promise<number | undefined> {
  return new Promise((resolve) => {
    const done = (port?: number) => {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit).off('error', onExit);
      resolve(port);
    };
    const onMessage = (message: unknown) => {
      const port = (message as { port?: unknown } | null)?.port;
      if (typeof port === 'number' && Number.isInteger(port) && port > 0) done(port);
    };
    const onExit = () => done();
    const timer = setTimeout(onExit, 5000);
    child.on('message', onMessage).once('exit', onExit).once('error', onExit);
  });
}

/**
 * Starts the service as a child process of the demo, records its pid and waits until it listens: on the
 * service's port once it has one, else on port 0, and the child reports over IPC which port it got (no port
 * is released and handed over). `owner` is the demo's pid: the service exits by itself when the demo is gone.
 */
export async function startService(service: DemoService, owner: number): Promise<ChildProcess> {
  const log = openSync(service.logfile, 'a');
  const child = spawn(process.execPath, [SERVICE_SCRIPT, service.key, String(service.port), String(owner)], {
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  writeFileSync(service.pidfile, `${child.pid}\n`);
  const port = await reportedPort(child);
  if (port === undefined || (service.port !== 0 && port !== service.port)) {
    child.kill('SIGKILL');
    const where = service.port ? `127.0.0.1:${service.port}` : '127.0.0.1';
    throw new Error(
      `Demo service "${service.name}" did not listen on ${where} within 5 s; see ${service.logfile}.`,
    );
  }
  service.port = port;
  return child;
}

/** Shell-quotes a word only when it needs it, so the command stays readable in the log. */
const quote = (text: string) => (/^[\w./:=@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The shell command the `command` provider runs (in the demo's folder, where the pid and log files are) to
 * restart a demo service: a real process restart on the same port.
 */
export function restartCommand(service: DemoService, owner: number): string {
  return [
    process.execPath,
    RESTART_SCRIPT,
    service.key,
    String(service.port),
    basename(service.pidfile),
    String(owner),
    basename(service.logfile),
  ]
    .map(quote)
    .join(' ');
}

/** The pid in the service's pidfile, if any. */
export function currentPid(service: DemoService): number | undefined {
  try {
    const pid = Number(readFileSync(service.pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Sends a signal; false when the process is already gone. */
export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** `kill -9` of the service's current process: a crash. Returns the killed pid. */
export function crash(service: DemoService): number {
  const pid = currentPid(service);
  if (pid === undefined || !signalPid(pid, 'SIGKILL'))
    throw new Error(`Demo service "${service.name}" has no running process to crash.`);
  return pid;
}

/** Makes every later answer of the service `stepMs` slower than the one before (POST /__slow). */
export async function slowDown(service: DemoService, stepMs: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${service.port}/__slow?step=${stepMs}`, { method: 'POST' });
  if (!response.ok)
    throw new Error(`Demo service "${service.name}" refused /__slow (HTTP ${response.status}).`);
  await response.arrayBuffer();
}

/**
 * Stops every process of the demo: the children it started and whatever pid the pidfiles name (restarted
 * processes are detached), until the ports are free. Never throws.
 */
export async function stopAll(services: DemoService[], children: ChildProcess[]): Promise<string[]> {
  const problems: string[] = [];
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const service of services) {
    try {
      const pid = currentPid(service);
      if (pid !== undefined) signalPid(pid, 'SIGKILL');
      if (!(await waitUntil(async () => !(await isListening(service.port)), 3000))) {
        problems.push(`port ${service.port} (${service.name}) is still in use`);
      }
    } catch (error: unknown) {
      problems.push(`${service.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { buildCli } from './built.js';

/**
 * A monitor that runs out of file descriptors (more probes in flight than `ulimit -n` allows) must not call
 * healthy services down, nor restart them: the probes it could not make are "not checked". Real processes:
 * the built CLI under `ulimit -n 40` against a loopback server that holds its answers until ten requests are
 * in flight at once (so the probes overlap however busy the machine is), then answers every request.
 */

let built: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
let url: string;

const SERVICES = 80;
/** Answers are held until this many requests wait side by side (the overlap that exhausts the descriptors). */
const OVERLAP = 10;
let held: Array<() => void> = [];
let released = false;

beforeAll(async () => {
  built = await buildCli();
  dir = await mkdtemp(join(tmpdir(), 'uptime-emfile-'));
  const server = await startTestServer({
    kind: 'custom',
    handle: (_req, res) => {
      held.push(() => res.writeHead(200).end('ok'));
      if (released || held.length >= OVERLAP) {
        released = true;
        held.forEach((answer) => answer());
        held = [];
      }
    },
  });
  url = server.url;
  await mkdir(join(dir, '.github'));
  const marker = join(dir, 'restarted');
  const services = Array.from(
    { length: SERVICES },
    (_, i) =>
      `  s${i}:\n    url: ${url}\n    timeout: 30s\n    recovery:\n      provider: command\n      restart: touch ${marker}\n      redeploy: touch ${marker}\n`,
  ).join('');
  await writeFile(
    join(dir, '.github', 'uptime.yml'),
    `mode: extreme\nprobeConcurrency: ${SERVICES}\nservices:\n${services}`,
  );
}, 60_000);

afterAll(async () => {
  await closeAllTestServers();
  await built?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The built CLI with at most 40 open files (soft and hard, so Node cannot raise it). */
function limited(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  released = false;
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/bin/sh',
      ['-c', `ulimit -n 40 && exec "$0" "$@"`, process.execPath, built.cli, ...args],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, UPTIME_PRIVATE_TARGETS: 'allow' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('out of file descriptors', () => {
  it('check: the probes the monitor could not make are "unchecked", never "down"', async () => {
    const run = await limited(['check', '--json']);
    const report = JSON.parse(run.stdout) as {
      status: string;
      downServices: string[];
      uncheckedServices?: string[];
      services: Record<string, { status: string; error: string | null }>;
    };
    // On failure, the errors of the services called down are shown.
    expect(report.downServices.map((id) => `${id}: ${report.services[id].error}`)).toEqual([]);
    // The limit really bit: some probes could not be made, and they say why.
    expect(report.uncheckedServices?.length).toBeGreaterThan(0);
    const unchecked = report.services[report.uncheckedServices![0]];
    expect(unchecked.error).toMatch(/EMFILE.*probeConcurrency.*ulimit -n/);
    expect(report.status).toBe('degraded');
    expect(run.code).toBe(1);
  }, 60_000);

  it('sweep, again and again: no healthy service is declared down or restarted', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await limited(['sweep', '--json']);
      expect(run.stderr).not.toMatch(/restart/i);
      const report = JSON.parse(run.stdout) as {
        status: string;
        downServices: string[];
        services: Record<
          string,
          { status: string; error: string | null; unchecked?: boolean; failing?: boolean }
        >;
      };
      // The limit really bit, and what could not be probed says so (`unchecked`, as in the Action's report);
      // nothing is failing or down.
      const unchecked = Object.values(report.services).filter((s) => s.unchecked);
      expect(unchecked.length).toBeGreaterThan(0);
      expect(unchecked[0].error).toMatch(/EMFILE/);
      expect(
        Object.entries(report.services)
          .filter(([, s]) => !s.unchecked && (s.status !== 'up' || s.failing))
          .map(([id, s]) => `${id}: ${s.status} ${s.error}`),
      ).toEqual([]);
      expect(report.downServices).toEqual([]);
      expect(report.status).toBe('degraded');
    }
    expect(existsSync(join(dir, 'restarted'))).toBe(false);
    const state = JSON.parse(await readFile(join(dir, '.uptime', 'state.json'), 'utf8')) as {
      services?: Record<string, { health: { consecutiveFailures: number } }>;
    };
    for (const record of Object.values(state.services ?? {}))
      expect(record.health.consecutiveFailures).toBe(0);
  }, 120_000);
});

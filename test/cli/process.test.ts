import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

afterAll(closeAllTestServers);

/** Runs the real CLI entry as its own process (`node --import tsx cli/index.ts ...`). */
function cli(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Running (a zombie, dead but not yet reaped by an init that doesn't reap, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the CLI as a real process', () => {
  it('sweep sets the exit code: 1 when a service is down, 2 for a broken config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uptime-cli-proc-'));
    try {
      const down = await startTestServer({ kind: 'status', status: 500 });
      await writeFile(join(dir, 'down.yml'), `mode: extreme\nservices:\n  api:\n    url: ${down.url}\n`);
      await writeFile(
        join(dir, 'broken.yml'),
        `mode: extreme\nservices:\n  api:\n    url: ${down.url}\n    timeout: forever\n`,
      );
      const [failing, broken] = await Promise.all([
        cli(['sweep', '--config', join(dir, 'down.yml'), '--state', join(dir, 'state.json')], 20_000),
        cli(['sweep', '--config', join(dir, 'broken.yml'), '--state', join(dir, 'state2.json')], 20_000),
      ]);
      expect(failing.code).toBe(1);
      expect(failing.stdout).toContain('DOWN: 0 of 1 services healthy');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('services.api.timeout');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('the demo crashes, slows and bad-deploys its services, recovers all three times, reports the times and leaves no process behind', async () => {
    const run = await cli(['demo'], 85_000);
    expect(run.stderr).not.toMatch(/cleanup/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SHORTENED');
    expect(run.stdout).toMatch(/🔴 Backend Node\.js is DOWN/);
    expect(run.stdout).toMatch(/🔮 Predictive restart of Coqui Voice Service/);
    expect(run.stdout).not.toMatch(/🔴 Coqui Voice Service is DOWN/);
    expect(run.stdout.match(/time to detect: {2}\S+/g)).toHaveLength(3);
    expect(run.stdout.match(/time to recover: \S+/g)).toHaveLength(3);
    // The bad deploy: a restart that does not help, then a rollback to v1, with the forensics printed.
    expect(run.stdout).toMatch(/❌ restart of Backend Node\.js: provider OK but NOT healthy/);
    expect(run.stdout).toMatch(/rollback of Backend Node\.js: healthy again .*rolled back to backend-v1/);
    expect(run.stdout).toMatch(/This outage began \S+ after deploy `backend-v2`/);
    expect(run.stdout).toContain('restart ✗, rollback ✓; deploy → healthy');
    expect(run.stdout).toContain('postgres://app:***@db.internal');
    expect(run.stdout).not.toMatch(/s3cr3t-pw|demo-token-abcdef123456/);
    expect(run.stdout).toContain('Every service came back.');
    const pids = [...run.stdout.matchAll(/pid (\d+) → (\d+)/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
    expect(pids).toHaveLength(6);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 90_000);
});

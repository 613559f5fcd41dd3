import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OUTPUT_LIMIT } from '../../src/providers/command.js';
import { providerFor } from '../../src/providers/registry.js';
import { serviceWith, testContext } from './context.js';

const command = providerFor('command');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uptime-command-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Whether a process is gone or a zombie waiting for a reaper. The grandchild holds the command's output pipe,
 * so the provider's answer (after the pipe's close) already means it exited; the few retries only cover the
 * kernel finishing that exit (reads of /proc, no timer).
 */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat || / Z /.test(stat)) return true;
  }
  return false;
}

const env = { PATH: process.env.PATH, SECRET_TOKEN: 'x', RAILWAY_TOKEN: 'railway-secret-987654' };

describe('command provider', () => {
  it('a command that starts something in the background is done when its shell exits; what it started lives on', async () => {
    const pidFile = join(dir, 'background.pid');
    const svc = serviceWith({
      provider: 'command',
      // The background process keeps the output pipes it inherited open for 30 s.
      restart: `echo starting; sh -c 'echo $$ > ${pidFile}; exec sleep 30' & echo started`,
      cwd: dir,
      timeout: '20s',
    });
    const started = Date.now();
    const result = await command.restart(svc, testContext(env).ctx);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('starting');
    expect(result.output).toContain('started');
    const pid = Number(await readFile(pidFile, 'utf8'));
    try {
      // Not killed with the command's process group: still running after the command is done.
      expect(await gone(pid)).toBe(false);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  }, 15_000);

  it('runs the restart command in cwd with a shell; exit 0 is success and the output is kept', async () => {
    const svc = serviceWith({
      provider: 'command',
      restart: 'echo restarting && pwd && echo done > marker',
      cwd: dir,
    });
    const result = await command.restart(svc, testContext(env).ctx);
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/^`echo restarting && pwd && echo done > marker` exited 0 \(/);
    expect(result.output).toBe(`restarting\n${dir}`);
    expect(await readFile(join(dir, 'marker'), 'utf8')).toBe('done\n');
  });

  it('reports a non-zero exit as not ok, with stderr in the output', async () => {
    const svc = serviceWith({ provider: 'command', restart: 'echo "no such unit" >&2; exit 5' });
    const result = await command.restart(svc, testContext(env).ctx);
    expect(result).toMatchObject({ ok: false, output: 'no such unit' });
    expect(result.detail).toContain('exited 5');
  });

  it('runs the redeploy command, and refuses redeploy when none is configured', async () => {
    const both = serviceWith({ provider: 'command', restart: 'true', redeploy: 'echo redeployed' });
    expect(await command.redeploy(both, testContext(env).ctx)).toMatchObject({
      ok: true,
      output: 'redeployed',
    });
    const only = serviceWith({ provider: 'command', restart: 'true' });
    await expect(command.redeploy(only, testContext(env).ctx)).rejects.toThrow(
      /Command redeploy failed \(no redeploy command configured\)\. Add recovery\.redeploy/,
    );
  });

  it('kills the whole process group on timeout', async () => {
    const pidFile = join(dir, 'child.pid');
    // A background grandchild that would outlive a plain kill of the shell.
    const svc = serviceWith({
      provider: 'command',
      restart: `sleep 30 & echo $! > ${pidFile}; wait`,
      timeout: 300,
    });
    // Without the kill, `wait` would last the sleep's 30 s, past the test's timeout.
    const result = await command.restart(svc, testContext(env).ctx);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('timed out after 300ms; its process group was killed');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await gone(pid)).toBe(true);
  });

  it('keeps only the last ~2 KB of output and scrubs secrets from it', async () => {
    const svc = serviceWith({
      provider: 'command',
      restart: 'seq 1 5000; echo "token=$RAILWAY_TOKEN"',
      env: ['RAILWAY_TOKEN'],
    });
    const result = await command.restart(svc, testContext(env).ctx);
    expect(result.output!.length).toBeLessThanOrEqual(OUTPUT_LIMIT);
    expect(result.output).toMatch(/5000\ntoken=\*\*\*$/);
    expect(result.output).not.toContain('railway-secret-987654');
  });

  it('gives the command only PATH, HOME and the variables recovery.env names (issue 9)', async () => {
    const svc = serviceWith({ provider: 'command', restart: 'env' });
    const result = await command.restart(svc, testContext({ ...env, OTHER_VAR: 'other-value' }).ctx);
    const names = result.output!.split('\n').map((line) => line.split('=')[0]);
    expect(names).toContain('PATH');
    expect(names).not.toContain('RAILWAY_TOKEN');
    expect(names).not.toContain('OTHER_VAR');
    expect(result.output).not.toContain('railway-secret-987654');
  });

  it('refuses recovery.env names the host does not allow, naming UPTIME_CONFIG_ENV', async () => {
    const svc = serviceWith({ provider: 'command', restart: 'env', env: ['RAILWAY_TOKEN'] });
    const { ctx } = testContext(env);
    await expect(command.restart(svc, { ...ctx, allowedEnv: (name) => name === 'APP_PORT' })).rejects.toThrow(
      /RAILWAY_TOKEN.*UPTIME_CONFIG_ENV/,
    );
  });

  it('runs the configured rollback command', async () => {
    const svc = serviceWith({ provider: 'command', restart: 'true', rollback: 'echo rolled-back' });
    const result = await command.rollback!(svc, testContext(env).ctx);
    expect(result).toMatchObject({ ok: true, output: 'rolled-back' });
  });

  it('explains a cwd that does not exist', async () => {
    const svc = serviceWith({ provider: 'command', restart: 'true', cwd: join(dir, 'missing') });
    await expect(command.restart(svc, testContext(env).ctx)).rejects.toThrow(
      /cannot start the command.*Check recovery\.cwd exists/,
    );
  });

  it('doctor finds the program on PATH without running it', async () => {
    const svc = serviceWith({
      provider: 'command',
      restart: 'sh -c "echo hi > ran"',
      redeploy: 'no-such-program-xyz deploy',
      cwd: dir,
    });
    const checks = await command.doctor!(svc, testContext(env).ctx);
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['cwd exists', true],
      ['restart command found', true],
      ['redeploy command found', false],
    ]);
    expect(checks[2].fix).toContain('Install no-such-program-xyz');
    await expect(readFile(join(dir, 'ran'))).rejects.toThrow(/ENOENT/);
  });
});

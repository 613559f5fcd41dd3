import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main(argv)` in-process with captured output and the given environment (no process env leaks in). */
export async function runCli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; cwd?: string; now?: () => number } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: options.env ?? { PATH: process.env.PATH },
    signal: options.signal,
    cwd: options.cwd,
    now: options.now,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A temporary working folder with a config file; `cleanup()` removes it. */
export async function workspace(
  configYaml: string,
): Promise<{ dir: string; config: string; state: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'uptime-cli-test-'));
  const config = join(dir, 'uptime.yml');
  await writeFile(config, configYaml);
  return {
    dir,
    config,
    state: join(dir, 'state', 'state.json'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

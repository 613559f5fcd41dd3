import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCache, copyBundles } from '../helpers/bundles.js';

/**
 * The CLI bundled as `npm run bundle` bundles it (scripts/build.mjs: esbuild, ESM, node20, minified, the
 * require shim; built once per test run, test/helpers/bundles.ts), copied into a temporary folder so the
 * repository's dist/ is never touched: `<root>/package.json` and `<root>/dist/cli.js`. No cli/demo/ beside it: a
 * copied bundle alone.
 */
export async function buildCli(): Promise<{ root: string; cli: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'uptime-built-cli-'));
  await copyFile('package.json', join(root, 'package.json'));
  await copyBundles(join(root, 'dist'), ['cli.js']);
  const cli = join(root, 'dist', 'cli.js');
  await chmod(cli, 0o755);
  return { root, cli, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** One run of the built CLI as its own process. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runBuilt}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Close our end of stdout at once: the CLI's writes meet EPIPE (as in `| head -1`). */
  closeStdout?: boolean;
}

/** Runs `node <cli> ...args` (stdout and stderr piped, so not a terminal), killed after `timeoutMs`. */
export function runBuilt(cli: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { ...(options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME }), ...compileCache() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

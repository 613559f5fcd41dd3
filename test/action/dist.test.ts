import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { actionEnv } from './env.js';
import { startRailwayStub } from './railway-stub.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A bundle built from the sources of this checkout for this run, never the committed (maybe stale) dist/. */
let outdir: string;
let bundle: string;

let github: GitHubStub;
let api: TestServer;
let railway: Awaited<ReturnType<typeof startRailwayStub>>;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'uptime-dist-'));
  bundle = join(outdir, 'index.js');
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['scripts/build.mjs', '--outdir', outdir], { cwd: root, stdio: 'inherit' }).on(
      'exit',
      (code) => (code === 0 ? resolve() : reject(new Error(`build exited ${code}`))),
    ),
  );
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'status', status: 502 });
  railway = await startRailwayStub({ onRestart: () => api.set({ kind: 'up' }) });
});
afterAll(async () => {
  await Promise.all([github.close(), api.close(), railway.close()]);
  await rm(outdir, { recursive: true, force: true });
});

/**
 * Loaded before the bundle: reports at exit whether the process loaded Node's bundled undici (the first use of
 * the global fetch, Response, Headers or Request does, ~15 ms of a cold start; the Action's fetch uses none).
 */
const UNDICI_PROBE = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => process.stderr.write(`\\nundici loaded: ${process.moduleLoadList.some((m) => m.includes('undici'))}\\n`));",
)}`;

/** Spawns the bundle with plain node and the variables GitHub sets; resolves with its exit code and output. */
function runBundle(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')),
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', UNDICI_PROBE, bundle], {
      env: { ...clean, ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('the bundled dist/index.js', () => {
  test('runs under plain node with INPUT_* variables: detects, restarts through Railway, resolves, sets outputs, never loads undici', async () => {
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: `mode: extreme\nrecoveryTimeout: 5s\nservices:\n  web:\n    url: ${api.url}\n    recovery: { provider: railway, serviceId: s1, environmentId: e1 }\n`,
      extraEnv: { RAILWAY_API_TOKEN: 'rw_bundle_secret_1', RAILWAY_API_URL: railway.url },
    });
    const { code, stdout } = await runBundle(action.env);
    expect(stdout).not.toMatch(/Dynamic require|ERR_/);
    expect(code).toBe(0);
    // Octokit's reads and writes, the probes and Railway's API all went through the Action's own fetch.
    expect(stdout).toContain('undici loaded: false');
    expect(action.outputs()).toMatchObject({
      status: 'up',
      'recovered-services': 'web',
      'incident-issues': '1',
    });
    expect(github.issues[0]).toMatchObject({ state: 'closed' });
    expect(railway.calls).toContain('DeploymentRestart');
    // Masked for the runner, and never printed anywhere else.
    expect(stdout).toContain('::add-mask::rw_bundle_secret_1');
    expect(stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('rw_bundle_secret_1');
    action.cleanup();
  });
});

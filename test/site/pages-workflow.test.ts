import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { buildCli } from '../cli/built.js';
import { fixtureState, HOSTILE_NAMES } from './fixture.js';

/**
 * The render step of examples/workflows/pages.yml, run as the job runs it: the command exactly as written,
 * in the layout its checkouts make (the config at .github/uptime.yml, state.json of the state branch in
 * uptime-state/, the released bundle with its package.json in .uptime-action/), and an environment with no
 * secret in it. The bundle is built from these sources as `npm run bundle` builds it.
 */

const workflow = parse(await readFile('examples/workflows/pages.yml', 'utf8'));
const steps: Array<{ run?: string; uses?: string; with?: { path?: string } }> = workflow.jobs.build.steps;
const render = steps.find((s) => s.run?.includes(' site '))!.run!;
const artifact = steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact'))!.with!.path!;

const CONFIG = `statusPage: { title: "Acme status" }
notify:
  - { type: slack, url: "\${SLACK_WEBHOOK_URL}" }
services:
  api:
    name: Public API
    url: \${API_HEALTH_URL}
    recovery: { provider: railway, serviceId: "\${API_SERVICE_ID}" }
  worker: { name: Worker, url: "\${WORKER_URL}" }
  docs: { name: Docs, url: "https://docs.example.com/" }
  evil: { name: '${HOSTILE_NAMES[0]}', url: "\${EVIL_URL}" }
  evil2: { name: '${HOSTILE_NAMES[1]}', url: "\${EVIL_URL}" }
`;

let built: Awaited<ReturnType<typeof buildCli>>;
let job: string;
beforeAll(async () => {
  built = await buildCli();
}, 120_000);
afterAll(async () => {
  await built?.cleanup();
});
beforeEach(async () => {
  job = await mkdtemp(join(tmpdir(), 'uptime-pages-job-'));
  await mkdir(join(job, '.github'));
  await writeFile(join(job, '.github', 'uptime.yml'), CONFIG);
  await mkdir(join(job, 'uptime-state'));
  await mkdir(join(job, '.uptime-action', 'dist'), { recursive: true });
  await copyFile(join(built.root, 'package.json'), join(job, '.uptime-action', 'package.json'));
  await copyFile(built.cli, join(job, '.uptime-action', 'dist', 'cli.js'));
});
afterEach(async () => {
  await rm(job, { recursive: true, force: true });
});

/** The step's `run:` under bash -e, as GitHub runs it; only PATH (for node) and what Actions always sets. */
function runStep(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', render], {
      cwd: job,
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        GITHUB_REPOSITORY: 'acme/ops',
        GITHUB_SERVER_URL: 'https://github.com',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("pages.yml's render step with the built bundle and no secrets", () => {
  it('writes the page into the folder the artifact step uploads, with the names, escaped, and issue links', async () => {
    await writeFile(join(job, 'uptime-state', 'state.json'), JSON.stringify(fixtureState()));
    const run = await runStep();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = await readFile(join(job, artifact, 'index.html'), 'utf8');
    expect(html).toContain('<title>Acme status</title>');
    expect(html).toContain('Public API');
    expect(html).toContain('&lt;script&gt;alert(');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('href="https://github.com/acme/ops/issues/12"');
    expect(existsSync(join(job, artifact, 'badges', 'worker', 'status.json'))).toBe(true);
  }, 30_000);

  it('fails the job, saying why, and leaves nothing to upload when state.json is missing', async () => {
    const run = await runStep();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No state file at');
    expect(run.stderr).toContain('uptime-state/state.json');
    expect(existsSync(join(job, artifact))).toBe(false);
  }, 30_000);

  it('fails the job, saying why, and leaves nothing to upload when state.json is broken', async () => {
    await writeFile(join(job, 'uptime-state', 'state.json'), '{"version":1,"services":');
    const run = await runStep();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/state\.json is not JSON .*no page was written/);
    expect(existsSync(join(job, artifact))).toBe(false);
  }, 30_000);
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { node24, root, runProcess, runnerEnv } from './bundle.js';
import { startRailwayStub } from './railway-stub.js';

let github: GitHubStub;
let api: TestServer;
let railway: Awaited<ReturnType<typeof startRailwayStub>>;
let dir: string;

beforeAll(async () => {
  [github, api] = await Promise.all([startGitHubStub(), startTestServer({ kind: 'status', status: 503 })]);
  railway = await startRailwayStub({ onRestart: () => api.set({ kind: 'up' }) });
  dir = mkdtempSync(join(tmpdir(), 'uptime-local-action-'));
});
afterAll(async () => {
  await Promise.all([github.close(), api.close(), railway.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** .env.example with its loopback addresses replaced by this test's servers. */
function envFile(): string {
  const text = readFileSync(join(root, '.env.example'), 'utf8')
    .replace('http://127.0.0.1:3000', github.url)
    .replace('http://127.0.0.1:8080/health', api.url)
    .replace('http://127.0.0.1:4000/graphql/v2', railway.url)
    .replace('GITHUB_WORKSPACE=.', `GITHUB_WORKSPACE=${dir}`);
  const path = join(dir, '.env');
  writeFileSync(path, text);
  return path;
}

describe('npm run local-action: the action under @github/local-action', () => {
  test('.env.example points only at loopback', () => {
    const urls = readFileSync(join(root, '.env.example'), 'utf8').match(/https?:\/\/[^\s"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  test('runs action/main.ts with .env.example against loopback servers: detects, recovers, sets outputs', async () => {
    const path = envFile();
    // As `npm run local-action` does: node_modules/.bin first (it holds Node 24's `node`), under Node 24.
    const env = runnerEnv({});
    env.PATH = [join(root, 'node_modules', '.bin'), env.PATH].join(delimiter);
    const { code, output } = await runProcess(
      node24,
      [
        join(root, 'node_modules/@github/local-action/bin/local-action.js'),
        'run',
        '.',
        'action/main.ts',
        path,
      ],
      { env },
    );
    expect(output).toContain('Running Action');
    expect(code).toBe(0);
    const outputs = Object.fromEntries(
      [...output.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(outputs).toMatchObject({ status: 'up', 'recovered-services': 'backend', 'incident-issues': '1' });
    expect(railway.calls).toContain('DeploymentRestart');
    expect(github.issues[0]).toMatchObject({ title: '🔴 Backend Node.js is down', state: 'closed' });
    expect(output.replace(/^::add-mask::.*$/gm, '')).not.toContain('rw_local_fake_token');
  }, 180_000);
});

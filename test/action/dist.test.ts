import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { buildFresh, node24, runBundle, runProcess } from './bundle.js';
import { actionEnv } from './env.js';
import { startRailwayStub } from './railway-stub.js';

let github: GitHubStub;
let api: TestServer;
let railway: Awaited<ReturnType<typeof startRailwayStub>>;
let dist: Awaited<ReturnType<typeof buildFresh>>;

beforeAll(async () => {
  [dist, github, api, railway] = await Promise.all([
    buildFresh(),
    startGitHubStub(),
    startTestServer({ kind: 'status', status: 502 }),
    startRailwayStub(),
  ]);
});
afterAll(async () => {
  await Promise.all([github.close(), api.close(), railway.close()]);
  dist.remove();
});

const config = (url: string) =>
  `mode: extreme\nrecoveryTimeout: 5s\nservices:\n  web:\n    name: Web\n    url: ${url}\n    recovery: { provider: railway, serviceId: s1, environmentId: e1 }\n`;

describe('the bundle, run GitHub-style: node dist/index.js under Node 24', () => {
  test('the runner is Node 24', async () => {
    const { output } = await runProcess(node24, ['--version'], { env: {} });
    expect(output.trim()).toMatch(/^v24\./);
  });

  test('the bundle is built on @actions/core and @actions/github, and its source map names the TypeScript files', () => {
    const map = JSON.parse(readFileSync(join(dist.dir, 'action.js.map'), 'utf8')) as { sources: string[] };
    const sources = map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
    expect(sources.some((s) => s.includes('node_modules/@actions/core/'))).toBe(true);
    expect(sources.some((s) => s.includes('node_modules/@actions/github/'))).toBe(true);
    expect(sources.some((s) => s.endsWith('action/main.ts'))).toBe(true);
    expect(readFileSync(join(dist.dir, 'action.js'), 'utf8')).toMatch(
      /\/\/# sourceMappingURL=action\.js\.map\s*$/,
    );
  });

  test('with INPUT_* variables: detects, restarts through Railway, resolves, sets outputs and the job summary', async () => {
    api.set({ kind: 'status', status: 502 });
    railway.calls.length = 0;
    const stop = api;
    const restarts = await startRailwayStub({ onRestart: () => stop.set({ kind: 'up' }) });
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: config(api.url),
      extraEnv: { RAILWAY_API_TOKEN: 'rw_bundle_secret_1', RAILWAY_API_URL: restarts.url },
    });
    const { code, output } = await runBundle(dist.dir, action.env);
    await restarts.close();
    expect(output).not.toMatch(/Dynamic require|ERR_/);
    expect(code).toBe(0);
    expect(action.outputs()).toMatchObject({
      status: 'up',
      'down-services': '',
      'recovered-services': 'web',
      'incident-issues': '1',
    });
    expect(JSON.parse(action.outputs().report)).toMatchObject({
      mode: 'extreme',
      services: { web: { status: 'up', recovered: true, actions: [{ action: 'restart', healthy: true }] } },
    });
    const summary = action.summary();
    expect(summary).toContain('| Service | Status |');
    expect(summary).toMatch(/Web: restart \(.*\) — healthy again/);
    // The run's own incident reference is a link (`#1` as typed); names and reasons in the line are escaped
    // where the line is built (src/report/run-report.ts), so nothing from outside links.
    expect(summary).toMatch(/Web: opened incident #1\b/);
    expect(summary).not.toMatch(/#\u200B1/);
    expect(github.issues[0]).toMatchObject({ state: 'closed' });
    expect(restarts.calls).toContain('DeploymentRestart');
    // Masked for the runner, and never printed anywhere else.
    expect(output).toContain('::add-mask::rw_bundle_secret_1');
    expect(output.replace(/^::add-mask::.*$/gm, '')).not.toContain('rw_bundle_secret_1');
    expect(summary).not.toContain('rw_bundle_secret_1');
    action.cleanup();
  });

  test('an unexpected error fails the step, and its stack (debug log) points at the TypeScript sources', async () => {
    const action = actionEnv({ githubUrl: github.url, configYaml: config(api.url) });
    const env = { ...action.env };
    delete (env as Record<string, string | undefined>).GITHUB_REPOSITORY;
    const { code, output } = await runBundle(dist.dir, env);
    expect(code).toBe(1);
    expect(output).toMatch(/^::error::.*GITHUB_REPOSITORY/m);
    const debug = output.split('\n').find((l) => l.startsWith('::debug::') && l.includes('%0A    at '));
    expect(debug).toBeDefined();
    expect(debug).toMatch(/action\/main\.ts:\d+:\d+/);
    expect(debug).not.toMatch(/action\.js:\d+/);
    action.cleanup();
  });
});

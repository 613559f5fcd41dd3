/**
 * What a user sees in the first hour, through the real bundle (`node <dir>/index.js` under Node 24): a
 * failing first check, GitHub unreachable, and a secret in a health URL.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { buildFresh, runBundle } from './bundle.js';
import { actionEnv } from './env.js';

let dist: Awaited<ReturnType<typeof buildFresh>>;
let failing: TestServer;

beforeAll(async () => {
  [dist, failing] = await Promise.all([buildFresh(), startTestServer({ kind: 'status', status: 503 })]);
}, 120_000);
afterAll(async () => {
  await failing.close();
  dist.remove();
});

const lines = (output: string, prefix: string, text: string) =>
  output.split('\n').filter((l) => l.startsWith(prefix) && l.includes(text));

describe('GitHub unreachable', () => {
  test('GITHUB_API_URL refuses connections: probes anyway, sets outputs and the summary, warns once, names the network error', async () => {
    // A port nothing listens on (port 1 itself is refused by fetch before connecting: "bad port").
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const action = actionEnv({
      githubUrl: `http://127.0.0.1:${port}`,
      configYaml: `mode: extreme\nservices:\n  web:\n    name: Web\n    url: ${failing.url}\n`,
    });
    const { code, output } = await runBundle(dist.dir, action.env);
    const outputs = action.outputs();
    const summary = action.summary();
    action.cleanup();
    expect(outputs).toMatchObject({ status: 'down', 'down-services': 'web', 'incident-issues': '' });
    expect(JSON.parse(outputs.report)).toMatchObject({ services: { web: { status: 'down' } } });
    expect(summary).toContain(
      `GitHub could not be reached (could not reach GitHub at http://127.0.0.1:${port} (ECONNREFUSED))`,
    );
    expect(summary).toContain('| Service | Status |');
    expect(output).not.toContain('HTTP 500');
    expect(lines(output, '::warning', 'could not reach GitHub')).toHaveLength(1);
    expect(summary.split('could not reach GitHub').length - 1).toBe(1);
    // Bounded: the state read is tried 3 times in all (2 retries), nothing else is retried.
    expect(lines(output, '::debug::', 'read attempt')).toHaveLength(2);
    expect(code).toBe(1); // a service is down
  });

  test('a GitHub that drops every connection: each request is tried a bounded number of times', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const action = actionEnv({
      githubUrl: `http://127.0.0.1:${port}`,
      configYaml: `services:\n  web:\n    url: ${failing.url.replace(/\/$/, '')}/ok\n`,
      payload: { schedule: '*/15 * * * *' },
    });
    await runBundle(dist.dir, action.env);
    const outputs = action.outputs();
    const summary = action.summary();
    action.cleanup();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(outputs.status).toBeDefined();
    expect(summary).toMatch(/could not reach GitHub at http:\/\/127\.0\.0\.1:\d+ \(/);
    // 3 tries of the state read + 1 of the run history (cron gaps); no incident request.
    expect(connections).toBeLessThanOrEqual(4);
    expect(connections).toBeGreaterThanOrEqual(3);
  });
});

describe('a failing first run and secrets in a health URL', () => {
  let github: GitHubStub;
  beforeAll(async () => {
    github = await startGitHubStub();
  });
  afterAll(async () => {
    await github.close();
  });

  test('first run in normal mode with a 503: status is not "up", the summary shows it failing and says what was written', async () => {
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: `mode: normal\nservices:\n  web:\n    name: Web\n    url: ${failing.url}\n`,
    });
    const { output } = await runBundle(dist.dir, action.env);
    const outputs = action.outputs();
    const summary = action.summary();
    action.cleanup();
    expect(outputs.status).not.toBe('up');
    expect(JSON.parse(outputs.report).services.web).toMatchObject({ failing: true });
    expect(summary).not.toContain('not checked yet');
    expect(summary).not.toContain('Nothing: every check passed');
    expect(lines(output, '::warning', 'Web (web) failed its latest check')).toHaveLength(1);
    expect(github.branches.has('uptime-state')).toBe(true);
    expect(summary).toContain('Created the state branch uptime-state');
  });

  test("the config's warnings (a bare number for a duration) are warning annotations", async () => {
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: `restartAttemptDelay: 500\nservices:\n  web:\n    url: ${failing.url}\n`,
    });
    const { output } = await runBundle(dist.dir, action.env);
    action.cleanup();
    expect(lines(output, '::warning title=Configuration::', 'restartAttemptDelay')).toHaveLength(1);
  });

  test('a token in the health URL appears in no output, summary, log, state or issue', async () => {
    const token = 'hc_secret_health_9931';
    const echo = await startTestServer({ kind: 'status', status: 500, body: `bad token ${token}` });
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: `mode: extreme\nservices:\n  health:\n    name: Health\n    url: ${echo.url.replace(/\/$/, '')}/h?token=\${HEALTH_TOKEN}\n`,
      extraEnv: { HEALTH_TOKEN: token },
    });
    const { output } = await runBundle(dist.dir, action.env);
    const outputs = action.outputs();
    const summary = action.summary();
    action.cleanup();
    await echo.close();
    expect(outputs.status).toBe('down');
    expect(github.issues.length).toBeGreaterThan(0);
    const everything = [
      JSON.stringify(outputs),
      summary,
      output,
      JSON.stringify(github.readJson('uptime-state', 'state.json')),
      JSON.stringify(github.issues),
      JSON.stringify(github.requests),
    ].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(Buffer.from(token).toString('base64'));
  });
});

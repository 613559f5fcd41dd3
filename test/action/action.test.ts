import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { run } from '../../action/main.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { actionEnv, applyEnv, freshContext, runLogged } from './env.js';
import { startRailwayStub } from './railway-stub.js';

let github: GitHubStub;
let railway: Awaited<ReturnType<typeof startRailwayStub>>;
let api: TestServer;

const config = (url: string) => `
mode: extreme
healthCheckInterval: 1s
recoveryTimeout: 5s
restartAttemptDelay: 0
services:
  api:
    name: Public API
    url: ${url}
    timeout: 2s
    recovery: { provider: railway, serviceId: svc-1, environmentId: env-1 }
`;

/**
 * The wall clock moved back so a test never meets an hour's turn (history is written once an hour): it
 * starts at most 30 minutes into the hour and runs at real speed (the probes' timeouts are real).
 */
const hourStart = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;
const lag = Math.max(0, Date.now() - hourStart(Date.now()) - 30 * 60_000);
const clock: Clock = { now: () => Date.now() - lag, sleep: systemClock.sleep };

/** Runs the Action in this process as GitHub would start it; returns its outputs, summary and log. */
async function runAction(
  setup: { inputs?: Record<string, string>; eventName?: string; payload?: unknown } = {},
) {
  const action = actionEnv({
    githubUrl: github.url,
    configYaml: config(api.url),
    ...setup,
    extraEnv: { RAILWAY_API_TOKEN: 'rw_secret_token_777', RAILWAY_API_URL: railway.url },
  });
  const log = await runLogged(action.env, () => run(freshContext(), clock));
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  const result = { outputs: action.outputs(), summary: action.summary(), log, failed };
  action.cleanup();
  return result;
}

beforeAll(async () => {
  railway = await startRailwayStub({ onRestart: () => api.set({ kind: 'up' }) });
});
afterAll(async () => {
  await railway.close();
});
beforeEach(async () => {
  github = await startGitHubStub({ owner: 'acme', repo: 'site' });
  api = await startTestServer({ kind: 'up' });
  railway.calls.length = 0;
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await github.close();
  await api.close();
});

describe('the Action on a schedule', () => {
  test('a healthy sweep: status up, a job summary; only the first run of the hour writes (history)', async () => {
    await runAction(); // the hour's first run books the history sample (the status page is the Pages workflow's)
    expect(github.writes().every((w) => /\/git\/(blobs|trees|commits|refs)/.test(w.url))).toBe(true);
    const before = github.writes().length;
    const { outputs, summary, log, failed } = await runAction();
    expect(failed).toBe(false);
    expect(outputs).toMatchObject({
      status: 'up',
      'down-services': '',
      'recovered-services': '',
      'incident-issues': '',
    });
    expect(JSON.parse(outputs.report)).toMatchObject({
      mode: 'extreme',
      services: { api: { status: 'up', actions: [] } },
    });
    expect(summary).toContain('| Service | Status |');
    expect(summary).toContain('Public API');
    // Within the same hour a healthy run writes nothing.
    expect(github.writes().length).toBe(before);
    expect(log).toContain('::add-mask::ghs_actiontesttoken42');
    expect(log).toContain('::add-mask::rw_secret_token_777');
    expect(railway.calls).toEqual([]);
  });

  test('a service down: incident opened, restarted through Railway, closed with the duration; state on an orphan branch', async () => {
    api.set({ kind: 'status', status: 503 });
    const { outputs, summary, failed } = await runAction();
    expect(failed).toBe(false);
    expect(railway.calls).toContain('DeploymentRestart');
    expect(outputs).toMatchObject({ status: 'up', 'recovered-services': 'api', 'incident-issues': '1' });
    const issue = github.issues[0];
    expect(issue).toMatchObject({
      title: '🔴 Public API is down',
      state: 'closed',
      state_reason: 'completed',
    });
    expect(issue.labels).toEqual(['uptime', 'incident', 'service:api']);
    expect(issue.comments.at(-1)?.body).toMatch(/Resolved after \d/);
    expect(summary).toMatch(/restart/);
    expect(github.rootParents('uptime-state')).toEqual([]);
    expect(github.branchWrites.main).toBeUndefined();
    const state = github.readJson('uptime-state', 'state.json') as {
      services: Record<string, { outages: Array<{ end?: number }>; repairs: number }>;
    };
    expect(state.services.api.repairs).toBe(1);
    expect(state.services.api.outages[0].end).toBeDefined();
    expect(JSON.stringify(github.requests)).not.toContain('rw_secret_token_777');
  });

  test('still down after recovery: the step fails with an annotation, the incident stays open', async () => {
    api.set({ kind: 'status', status: 503 });
    railway.calls.length = 0;
    const stubborn = await startRailwayStub(); // restarts that change nothing
    const action = actionEnv({
      githubUrl: github.url,
      configYaml: config(api.url).replace('recoveryTimeout: 5s', 'recoveryTimeout: 1s'),
    });
    const restore = applyEnv({
      ...action.env,
      RAILWAY_API_TOKEN: 'rw_secret_token_777',
      RAILWAY_API_URL: stubborn.url,
    });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const lines: string[] = [];
    write.mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      await run(freshContext(), clock);
    } finally {
      write.mockRestore();
      restore();
      await stubborn.close();
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(action.outputs()).toMatchObject({ status: 'down', 'down-services': 'api' });
    expect(lines.join('')).toMatch(/::error title=Public API is down::Public API \(api\) is down/);
    expect(lines.join('')).toMatch(/::error::Public API is still down after recovery/);
    expect(github.openIssues('service:api')).toHaveLength(1);
    action.cleanup();
  });

  test('dry-run: plans the restart but calls no provider and writes nothing', async () => {
    api.set({ kind: 'status', status: 503 });
    const { outputs, summary } = await runAction({ inputs: { 'dry-run': 'true' } });
    expect(railway.calls).toEqual([]);
    expect(github.writes()).toEqual([]);
    expect(outputs.status).toBe('down');
    expect(JSON.parse(outputs.report)).toMatchObject({
      dryRun: true,
      services: { api: { planned: [expect.stringMatching(/^restart/)] } },
    });
    expect(summary).toContain('dry-run: would restart');
  });

  test('the mode input overrides the config and is reported', async () => {
    const { outputs } = await runAction({ inputs: { mode: 'normal' } });
    expect(JSON.parse(outputs.report).mode).toBe('normal');
  });

  test('cron gaps: a previous scheduled run 40 minutes ago is reported; no write but the state and status page', async () => {
    const ago = (min: number) => new Date(clock.now() - min * 60_000).toISOString();
    github.runs.push(
      {
        id: 1,
        event: 'schedule',
        status: 'completed',
        path: '.github/workflows/uptime.yml',
        created_at: ago(45),
        updated_at: ago(44),
      } as never,
      {
        id: 2,
        event: 'schedule',
        status: 'completed',
        path: '.github/workflows/other.yml',
        created_at: ago(3),
      },
    );
    const { summary, log, outputs } = await runAction({ payload: { schedule: '*/5 * * * *' } });
    // The clock runs at real speed: under load a second or two may pass after the history was written.
    expect(summary).toMatch(/previous scheduled sweep started 45m( \d+s)? ago/);
    expect(log).toMatch(/::warning::The previous scheduled sweep/);
    expect(JSON.parse(outputs.report).cronGap).toMatch(/unmonitored/);
    // The hour's history sample writes the state (with the gap as unmonitored time); no issue is written.
    expect(github.writes().every((w) => /\/git\/(blobs|trees|commits|refs)/.test(w.url))).toBe(true);
    expect(github.requests.some((r) => r.url.startsWith('/repos/acme/site/actions/runs?'))).toBe(true);
  });

  test('a state bomb on the state branch (ok: 2e9, 150,000 buckets, times of 1e300): every run succeeds', async () => {
    await runAction();
    const url = `${github.url}/repos/acme/site/contents/state.json`;
    const current = (await (await fetch(`${url}?ref=uptime-state`)).json()) as { sha: string };
    const hour = Math.floor(clock.now() / 3_600_000) * 3_600_000;
    const bucket = (t: number, ok: number) => ({ t, ok, total: ok, p50: 10, p95: 10, max: 10 });
    const bomb = {
      ...(github.readJson('uptime-state', 'state.json') as object),
      pauses: { api: { until: 1e300, at: hour } },
      history: {
        services: {
          api: { hourly: [bucket(hour - 3_600_000, 2e9)], daily: [] },
          old: { hourly: Array.from({ length: 150_000 }, (_, i) => bucket(i, 1)), daily: [] },
        },
        incidents: [],
      },
    };
    const put = await fetch(url, {
      method: 'PUT',
      body: JSON.stringify({
        message: 'bomb',
        branch: 'uptime-state',
        sha: current.sha,
        content: Buffer.from(JSON.stringify(bomb)).toString('base64'),
      }),
    });
    expect(put.ok).toBe(true);
    const { failed, outputs, log } = await runAction();
    expect(failed).toBe(false);
    expect(outputs.status).toBe('up');
    expect(log).toContain('history.services.api dropped');
    expect(log).not.toMatch(/Invalid array length|Maximum call stack/);
    // And the next run as well (before, every run failed the same way and the state never healed).
    expect((await runAction()).failed).toBe(false);
  });

  test('a bad input fails the step with the input named', async () => {
    const { failed, log } = await runAction({ inputs: { watch: 'soon' } });
    expect(failed).toBe(true);
    expect(log).toMatch(/::error::Input watch: "soon" is not a duration/);
  });
});

describe('the Action on issue_comment (ChatOps without a server)', () => {
  const comment = (body: string, login: string) => ({
    action: 'created',
    comment: { id: 555, body, user: { login, type: 'User' } },
    issue: { number: 12, labels: [] },
    sender: { login, type: 'User' },
    repository: { default_branch: 'main', name: 'site', owner: { login: 'acme' } },
  });

  test('/status from a reader: 👀, 🚀 and the dashboard as a reply', async () => {
    github.issues.push({
      number: 12,
      title: 'ops',
      body: '',
      state: 'open',
      state_reason: null,
      labels: [],
      assignees: [],
      comments: [],
      created_at: new Date().toISOString(),
      user: 'octocat',
    });
    await runAction({ eventName: 'issue_comment', payload: comment('/status', 'reader') });
    expect(github.reactions).toEqual([
      { commentId: 555, content: 'eyes' },
      { commentId: 555, content: 'rocket' },
    ]);
    expect(github.issues[0].comments.at(-1)?.body).toContain('Public API');
    expect(github.requests.some((r) => r.url === '/repos/acme/site/collaborators/reader/permission')).toBe(
      true,
    );
  });

  test('/restart from a reader is refused with 👎 and a reason; no provider call', async () => {
    github.issues.push({
      number: 12,
      title: 'ops',
      body: '',
      state: 'open',
      state_reason: null,
      labels: [],
      assignees: [],
      comments: [],
      created_at: new Date().toISOString(),
      user: 'octocat',
    });
    await runAction({ eventName: 'issue_comment', payload: comment('/restart api', 'reader') });
    expect(github.reactions.map((r) => r.content)).toEqual(['eyes', '-1']);
    expect(github.issues[0].comments.at(-1)?.body).toMatch(/write/);
    expect(railway.calls).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scheduledRun } from './scheduled-run.js';
import { HOUR_MS } from '../../src/history/record.js';
import { virtualClock } from '../helpers/clock.js';
import { runCli } from '../cli/run.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/**
 * What the status page costs the Action in GitHub writes (issue 14): nothing by default (the Pages workflow
 * renders it from state.json), up to one site commit an hour with `statusPage: { branch: true }`.
 * The Action's core call runs as a schedule would start it every 30 minutes for 4 hours, on a virtual clock.
 */

let github: GitHubStub;
let api: TestServer;
let workspace: string;
beforeEach(async () => {
  github = await startGitHubStub();
  api = await startTestServer({ kind: 'up' });
  workspace = await mkdtemp(join(tmpdir(), 'uptime-pages-writes-'));
  await mkdir(join(workspace, '.github'));
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await Promise.all([github.close(), api.close(), rm(workspace, { recursive: true, force: true })]);
});

/** 2026-11-30 09:05 UTC: the first run of the hour. */
const START = Date.UTC(2026, 10, 30, 9, 5);
const RUNS = 9; // every 30 minutes: 09:05 … 13:05, five hours touched

async function runEvery30Minutes(statusPage: string) {
  await writeFile(
    join(workspace, '.github', 'uptime.yml'),
    `${statusPage}services:\n  api: { name: Public API, url: "${api.url}" }\n`,
  );
  const clock = virtualClock(START);
  for (let i = 0; i < RUNS; i++) {
    clock.set(START + i * 30 * 60_000);
    const result = await scheduledRun(github, workspace, { clock, schedule: '' });
    expect(result.failure).toBeUndefined();
    expect(result.outputs.status).toBe('up');
  }
}

const writesOf = (pattern: RegExp) =>
  github.writes().filter((w) => pattern.test(`${w.method} ${w.url.replace('%2F', '/')}`));
const GIT_DATA = /^(POST|PATCH) \/repos\/[^/]+\/[^/]+\/git\/(trees|commits|refs)/;
const hoursTouched = new Set(
  Array.from({ length: RUNS }, (_, i) => Math.floor((START + i * 1_800_000) / HOUR_MS)),
).size;

describe('the status page in GitHub writes', () => {
  test('by default: no site/ on the state branch, no git/trees|commits|refs write after the branch exists', async () => {
    await runEvery30Minutes('statusPage: { title: "Acme status" }\n');
    expect(github.readJson('uptime-state', 'site/status.json')).toBeUndefined();
    // The first run creates the orphan state branch (one tree, one commit, one ref); nothing else ever does.
    expect(writesOf(GIT_DATA).map((w) => `${w.method} ${w.url.replace(/.*\/git\//, '')}`)).toEqual([
      'POST trees',
      'POST commits',
      'POST refs',
    ]);
    // What is left: the hourly history in state.json, one write per hour touched (the first is the branch's
    // creation: blob, tree, commit, ref), and nothing else.
    const updates = writesOf(/^PUT .*\/contents\/state\.json$/).length;
    expect(updates).toBe(hoursTouched - 1);
    expect(github.writes()).toHaveLength(4 + updates);
  });

  test('by default the Pages workflow renders the page from that state.json: the healthy service is up', async () => {
    await runEvery30Minutes('statusPage: { title: "Acme status" }\n');
    const state = join(workspace, 'uptime-state', 'state.json');
    await mkdir(dirname(state));
    await writeFile(state, JSON.stringify(github.readJson('uptime-state', 'state.json')));
    const out = join(workspace, '_site');
    const run = await runCli(
      ['site', '--config', join(workspace, '.github', 'uptime.yml'), '--state', state, '--out', out],
      { now: () => START + RUNS * 30 * 60_000 },
    );
    expect(run.code).toBe(0);
    const status = JSON.parse(await readFile(join(out, 'status.json'), 'utf8'));
    expect(status).toMatchObject({ title: 'Acme status', status: 'up' });
    expect(status.services[0]).toMatchObject({ id: 'api', name: 'Public API', status: 'up' });
    expect(status.services[0].hourly).toHaveLength(hoursTouched);
  });

  test('statusPage.branch: true keeps the site under site/ on the state branch: one commit per hour touched', async () => {
    await runEvery30Minutes('statusPage: { title: "Acme status", branch: true }\n');
    expect(github.readJson('uptime-state', 'site/status.json')).toMatchObject({
      schemaVersion: 1,
      title: 'Acme status',
      services: [{ id: 'api', name: 'Public API', status: 'up' }],
    });
    const siteCommits = writesOf(/^PATCH .*\/git\/refs\/heads\/uptime-state$/).length;
    expect(siteCommits).toBe(hoursTouched);
    expect(writesOf(/^POST .*\/git\/trees/)).toHaveLength(siteCommits + 1);
  });
});

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { GitHubSiteSink, gitBlobSha, publishSite } from '../../src/site/sink.js';
import { GitHubStateStore } from '../../src/state/github.js';
import { virtualClock } from '../helpers/clock.js';
import { memoryLogger, testOctokit } from '../github/fixtures.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { fixtureConfig, fixtureState, NOW } from './fixture.js';

/** The status site under `site/` on the state branch of a real (stub) GitHub API over HTTP. */

let github: GitHubStub;
beforeEach(async () => {
  github = await startGitHubStub();
});
afterEach(async () => {
  expect(checkRequests(github.requests)).toEqual([]);
  await github.close();
});

async function setup() {
  const client = testOctokit(github.url);
  const clock = virtualClock(NOW);
  const store = new GitHubStateStore({
    owner: github.owner,
    repo: github.repo,
    client,
    clock,
    logger: memoryLogger(),
  });
  await store.update(() => fixtureState()); // the state branch with state.json
  const sink = new GitHubSiteSink({ owner: github.owner, repo: github.repo, client, branch: store.branch });
  return { store, sink, clock };
}

const siteCommits = () =>
  github.writes().filter((w) => w.method === 'PATCH' && /\/git\/refs\/heads(\/|%2F)uptime-state$/.test(w.url))
    .length;

describe('the status site on the state branch', () => {
  test('written once an hour at most, only when it changed, beside state.json', async () => {
    const { sink } = await setup();
    const config = fixtureConfig();
    const state = fixtureState();
    const first = await publishSite(config, state, NOW + 5 * 60_000, sink);
    expect(first.written).toBe(true);
    expect(github.readJson('uptime-state', 'site/status.json')).toMatchObject({ schemaVersion: 1 });
    expect(github.readJson('uptime-state', 'state.json')).toMatchObject({ version: 1 }); // kept
    // Eleven more runs in the same hour: nothing written.
    for (let i = 2; i <= 12; i++) {
      const again = await publishSite(config, state, NOW + i * 5 * 60_000 - 1, sink);
      expect(again).toEqual({ written: false, reason: 'already written this hour' });
    }
    expect(siteCommits()).toBe(1);
    // The next hour's page differs (its chart and "Updated" moved): one more commit.
    expect((await publishSite(config, state, NOW + 61 * 60_000, sink)).written).toBe(true);
    expect(siteCommits()).toBe(2);
  });

  test('a page identical to the published one is not committed again', async () => {
    const { sink } = await setup();
    const config = fixtureConfig();
    await publishSite(config, fixtureState(), NOW, sink);
    // Same hour, but the "already written" marker unreadable: the blob comparison still finds nothing new.
    const blind = {
      current: async () => ({ ...(await sink.current()), generatedHour: undefined }),
      write: sink.write.bind(sink),
    };
    expect(await publishSite(config, fixtureState(), NOW + 30 * 60_000, blind)).toEqual({
      written: false,
      reason: 'unchanged',
    });
    expect(siteCommits()).toBe(1);
  });

  test('a removed service loses its badges; blob shas match git', async () => {
    const { sink } = await setup();
    const config = fixtureConfig();
    await publishSite(config, fixtureState(), NOW, sink);
    const { files } = await sink.current();
    expect(files['badges/worker/status.json']).toBeDefined();
    const fewer = { ...config, services: { api: config.services.api } };
    await publishSite(fewer, fixtureState(), NOW + 3_600_000, sink);
    const after = await sink.current();
    expect(after.files['badges/worker/status.json']).toBeUndefined();
    expect(after.files['badges/api/status.json']).toBeDefined();
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

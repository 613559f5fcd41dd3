import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { startScaleCoordinator } from '../../bot/scale.js';
import type { AppAuth } from '../../bot/watch.js';
import { FileStateStore } from '../../src/state/file.js';
import { upsertRepo } from '../../src/scale/schedulers.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { ScaleWorld, writeRepos } from './world.js';

/**
 * The bot's side with a real Redis and the loopback GitHub stub: one Job Scheduler per installed repository with
 * a config, at its mode's interval, kept in step with a pushed config; a worker re-times it after `/mode`.
 */
let redis: TestRedis;
let stub: GitHubStub;
async function putConfig(text: string): Promise<void> {
  const url = `${stub.url}/repos/acme/site/contents/.github/uptime.yml`;
  const existing = await fetch(url);
  const sha = existing.ok ? ((await existing.json()) as { sha: string }).sha : undefined;
  const put = await fetch(url, {
    method: 'PUT',
    body: JSON.stringify({
      message: 'config',
      content: Buffer.from(text).toString('base64'),
      branch: 'main',
      sha,
    }),
  });
  if (!put.ok) throw new Error(`PUT config: ${put.status}`);
}

beforeAll(async () => {
  redis = await startRedis();
  stub = await startGitHubStub({ owner: 'acme', repo: 'site', defaultBranch: 'main' });
  await putConfig('mode: extreme\nservices:\n  api:\n    url: https://api.example.com/health\n');
});
afterAll(async () => {
  await closeAllTestServers();
  await stub.close();
  await redis.stop();
});

/** The App: its installations (one, with two repositories: only acme/site has a config) and their clients. */
function app(): AppAuth {
  const installation = new Octokit({ baseUrl: stub.url, request: { fetch: globalThis.fetch } });
  const appLevel: Record<string, unknown> = {
    'GET /app/installations': [{ id: 77 }],
    'GET /repos/{owner}/{repo}/installation': { id: 77 },
  };
  return {
    auth: async (id?: number) =>
      id === undefined
        ? { request: async (route: string) => ({ status: 200, data: appLevel[route], headers: {} }) }
        : {
            request: (route: string, parameters?: Record<string, unknown>) =>
              route === 'GET /installation/repositories'
                ? Promise.resolve({
                    status: 200,
                    headers: {},
                    data: {
                      repositories: ['site', 'other'].map((name) => ({ name, owner: { login: 'acme' } })),
                    },
                  })
                : installation.request(route, parameters),
          },
  };
}

describe('the bot schedules, the workers sweep', () => {
  it("keeps one scheduler per installed repository with a config, at its mode's interval, in step with a push", async () => {
    const coordinator = startScaleCoordinator(app(), {
      redisUrl: redis.url,
      repos: [],
      env: {},
      clock: systemClock,
      logger: silentLogger,
      fetch: globalThis.fetch,
      prefix: 'bot',
    });
    try {
      await coordinator.syncAll();
      const schedulers = async () =>
        (await coordinator.queue.getJobSchedulers(0, -1)).map((s) => [
          s.key,
          Number(s.every),
          (s.template?.data as { mode?: string }).mode,
        ]);
      // acme/other has no config: not watched.
      expect(await schedulers()).toEqual([['repo:acme/site', 5000, 'extreme']]);
      await putConfig('mode: normal\nservices:\n  api:\n    url: https://api.example.com/health\n');
      await coordinator.syncRepo({ owner: 'acme', repo: 'site' });
      expect(await schedulers()).toEqual([['repo:acme/site', 10_000, 'normal']]);
    } finally {
      await coordinator.queue.obliterate({ force: true });
      await coordinator.stop();
    }
  });

  it('a worker re-times the scheduler when /mode set another mode than the one it was timed for', async () => {
    const service = await startTestServer({ kind: 'up' });
    const repos = writeRepos({
      shop: `mode: extreme\nservices:\n  api:\n    url: ${service.url}\n    timeout: 1s\n`,
    });
    await new FileStateStore(repos.shop.statePath).update((s) => ({
      ...s,
      mode: 'normal',
      modeSetBy: 'alice',
    }));
    const world = new ScaleWorld(redis.url, 'retime', repos);
    try {
      await world.worker('fra');
      await upsertRepo(world.queue, { repo: 'shop', everyMs: 200, mode: 'extreme' });
      await world.until((r) => r.some((x) => x.result), 10_000, 'a sweep');
      const [scheduler] = await world.queue.getJobSchedulers(0, -1);
      expect([Number(scheduler.every), (scheduler.template?.data as { mode?: string }).mode]).toEqual([
        10_000,
        'normal',
      ]);
    } finally {
      await world.close();
    }
  }, 20_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { parseWatchRepos, watchRepository, type AppAuth } from '../../bot/watch.js';
import { virtualClock } from '../helpers/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { checkRequests } from '../helpers/openapi.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import type { EngineEvent } from '../../src/outcome/types.js';

let stub: GitHubStub;
let down: TestServer;

beforeAll(async () => {
  stub = await startGitHubStub({ owner: 'acme', repo: 'site', defaultBranch: 'main' });
  down = await startTestServer({ kind: 'status', status: 503 });
  const config = `mode: extreme\nservices:\n  api:\n    name: API\n    url: ${down.url}\n`;
  await fetch(`${stub.url}/repos/acme/site/contents/.github/uptime.yml`, {
    method: 'PUT',
    body: JSON.stringify({
      message: 'config',
      content: Buffer.from(config).toString('base64'),
      branch: 'main',
    }),
  });
  stub.requests.length = 0;
});

afterAll(async () => {
  await down?.close();
  await stub?.close();
});

describe('parseWatchRepos', () => {
  it('reads owner/repo entries separated by commas, spaces or lines', () => {
    expect(parseWatchRepos(' acme/api, acme/web\nbeta/site ')).toEqual([
      { owner: 'acme', repo: 'api' },
      { owner: 'acme', repo: 'web' },
      { owner: 'beta', repo: 'site' },
    ]);
    expect(parseWatchRepos(undefined)).toEqual([]);
  });

  it('names a bad entry and the expected form', () => {
    expect(() => parseWatchRepos('acme/api, https://github.com/acme/web')).toThrow(
      /UPTIME_WATCH_REPOS: "https:\/\/github.com\/acme\/web" is not owner\/repo/,
    );
  });
});

describe('hosted watch', () => {
  it('sweeps the repository with the installation’s client and opens the incident issue as the Action does', async () => {
    const installation = new Octokit({ baseUrl: stub.url, request: { fetch: globalThis.fetch } });
    const asked: Array<number | undefined> = [];
    // The app-level call (GET /repos/{owner}/{repo}/installation) is answered here: the stub has no app routes.
    const app: AppAuth = {
      auth: async (id?: number) => {
        asked.push(id);
        return id === undefined
          ? { request: async () => ({ status: 200, data: { id: 77 }, headers: {} }) }
          : installation;
      },
    };
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    await watchRepository(
      app,
      { owner: 'acme', repo: 'site' },
      {
        env: {},
        clock: virtualClock(Date.UTC(2026, 0, 5, 12)),
        logger: silentLogger,
        fetch: globalThis.fetch,
        onEvent: (_repo, event) => {
          events.push(event);
          if (event.type === 'incident-opened') controller.abort();
        },
      },
      controller.signal,
    );
    expect(asked).toEqual([undefined, 77]);
    expect(events.some((e) => e.type === 'status' && e.service === 'api' && e.to === 'down')).toBe(true);
    const open = stub.openIssues('incident');
    expect(open).toHaveLength(1);
    expect(open[0].title).toContain('API is down');
    expect(open[0].labels).toContain('service:api');
    expect(checkRequests(stub.requests)).toEqual([]);
  });
});

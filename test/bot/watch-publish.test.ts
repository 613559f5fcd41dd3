import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { watchRepository, type AppAuth } from '../../bot/watch.js';
import { silentLogger } from '../../src/util/logger.js';
import { virtualClock } from '../helpers/clock.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/**
 * The hosted watch with notifications, history and the status site (issue 14): a real GitHub stub, a down
 * service and a notification receiver on loopback; the operator allows private targets (they are loopback).
 */

let stub: GitHubStub;
let down: TestServer;
let receiver: Receiver;

beforeEach(async () => {
  stub = await startGitHubStub({ owner: 'acme', repo: 'site', defaultBranch: 'main' });
  down = await startTestServer({ kind: 'status', status: 503 });
  receiver = await startReceiver();
  const config = `mode: extreme
statusPage: { branch: true }
services:
  api:
    name: API
    url: ${down.url}
notify:
  - { type: webhook, url: "${receiver.origin}/hook" }
`;
  await fetch(`${stub.url}/repos/acme/site/contents/.github/uptime.yml`, {
    method: 'PUT',
    body: JSON.stringify({
      message: 'config',
      content: Buffer.from(config).toString('base64'),
      branch: 'main',
    }),
  });
});

afterEach(async () => {
  await receiver.close();
  await down.close();
  await stub.close();
});

function app(): AppAuth {
  const installation = new Octokit({ baseUrl: stub.url, request: { fetch: globalThis.fetch } });
  return {
    auth: async (id?: number) =>
      id === undefined
        ? { request: async () => ({ status: 200, data: { id: 77 }, headers: {} }) }
        : installation,
  };
}

const told = () =>
  receiver.requests
    .map((r) => JSON.parse(r.body) as { service: string; transition: string })
    .map((b) => `${b.service}:${b.transition}`)
    .sort();

describe('hosted watch: notifications, history, site', () => {
  it('tells each transition once across config reloads, books history and publishes the site on the state branch', async () => {
    const controller = new AbortController();
    let sessions = 0;
    let checksInThird = 0;
    await watchRepository(
      app(),
      { owner: 'acme', repo: 'site' },
      {
        env: { UPTIME_PRIVATE_TARGETS: 'allow' },
        clock: virtualClock(Date.UTC(2026, 0, 5, 12)),
        logger: { ...silentLogger, info: (m) => void (m.startsWith('Watching') && sessions++) },
        fetch: globalThis.fetch,
        reloadEveryMs: 60_000,
        onEvent: (_repo, event: EngineEvent) => {
          if (sessions >= 3 && event.type === 'check' && ++checksInThird >= 5) controller.abort();
        },
      },
      controller.signal,
    );
    expect(sessions).toBe(3);
    // Down, then escalated to people (no recovery configured): each told once, although three sessions saw it.
    expect(told()).toEqual(['api:down', 'api:escalated']);
    expect(stub.openIssues('incident')).toHaveLength(1);
    const state = stub.readJson('uptime-state', 'state.json') as {
      history?: { services: Record<string, { hourly: Array<{ ok: number; total: number }> }> };
      notified?: string[];
    };
    expect(state.history?.services.api.hourly[0]).toMatchObject({ ok: 0 });
    expect(state.notified).toHaveLength(2);
    const site = stub.readJson('uptime-state', 'site/status.json') as {
      services: Array<{ id: string; status: string }>;
    };
    expect(site.services).toEqual([expect.objectContaining({ id: 'api', status: 'down' })]);
  }, 30_000);

  it('stopping waits for a message still in flight (bounded), so it is not lost', async () => {
    let answered = false;
    const controller = new AbortController();
    // The receiver answers only after the watch was told to stop: the stop has to wait for it.
    receiver.answer = (_req, res) => {
      const answer = () =>
        setImmediate(() => {
          answered = true;
          res.end('ok');
        });
      if (controller.signal.aborted) answer();
      else controller.signal.addEventListener('abort', answer, { once: true });
    };
    await watchRepository(
      app(),
      { owner: 'acme', repo: 'site' },
      {
        env: { UPTIME_PRIVATE_TARGETS: 'allow' },
        clock: virtualClock(Date.UTC(2026, 0, 5, 12)),
        logger: silentLogger,
        fetch: globalThis.fetch,
        onEvent: (_repo, event) => {
          if (event.type === 'incident-opened') controller.abort();
        },
      },
      controller.signal,
    );
    expect(told()).toContain('api:down');
    expect(answered).toBe(true);
  }, 30_000);
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Probot } from 'probot';
import { uptimeApp } from '../../bot/app.js';
import { virtualClock } from '../helpers/clock.js';
import { githubNock } from '../helpers/openapi.js';
import type { TestServer } from '../helpers/servers.js';
import { commentPayload, configYaml, privateKey, startService, TestOctokit } from './fixtures.js';

const REPO = '/repos/Codertocat/Hello-World';
const b64 = (text: string) => Buffer.from(text).toString('base64');

let service: TestServer & { restarts: () => number };
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.close();
});

/** GitHub as nock sees it: records what the app did; permission of the commenter as given. */
function github(permission: string, options: { state?: unknown } = {}) {
  const { scope, problems } = githubNock();
  const seen = {
    tokens: 0,
    reactions: [] as string[],
    replies: [] as string[],
    stateWrites: [] as unknown[],
    permissionLookups: 0,
  };
  scope
    .persist()
    .post('/app/installations/1/access_tokens')
    .reply(201, () => {
      seen.tokens++;
      return {
        token: 'ghs_test',
        expires_at: '2099-01-01T00:00:00Z',
        permissions: { issues: 'write', contents: 'write' },
      };
    })
    .post(`${REPO}/issues/comments/492700400/reactions`, (body: { content: string }) => {
      seen.reactions.push(body.content);
      return true;
    })
    .reply(201, { id: 1 })
    .post(`${REPO}/issues/1/comments`, (body: { body: string }) => {
      seen.replies.push(body.body);
      return true;
    })
    .reply(201, { id: 2 })
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, () => {
      seen.permissionLookups++;
      return {
        permission: permission === 'maintain' ? 'write' : permission,
        role_name: permission,
        user: { login: 'Codertocat' },
      };
    })
    .get(`${REPO}/contents/.github%2Fuptime.yml`)
    .query({ ref: 'master' })
    .reply(200, { type: 'file', encoding: 'base64', content: b64(configYaml(service)), sha: 'cfg' })
    .get(`${REPO}/contents/state.json`)
    .query({ ref: 'uptime-state' })
    .reply(200, () => ({
      type: 'file',
      encoding: 'base64',
      content: b64(
        JSON.stringify(
          options.state ?? { version: 1, services: {}, pauses: {}, incidents: {}, unmonitored: [] },
        ),
      ),
      sha: 's1',
    }))
    .put(`${REPO}/contents/state.json`, (body: { content: string; sha: string; branch: string }) => {
      seen.stateWrites.push({
        ...body,
        state: JSON.parse(Buffer.from(body.content, 'base64').toString('utf8')),
      });
      return true;
    })
    .reply(200, { content: { sha: 's2' }, commit: { sha: 'c2' } })
    .get(`${REPO}/issues`)
    .query(true)
    .reply(200, []);
  return { seen, problems };
}

let probot: Probot;
beforeEach(async () => {
  probot = new Probot({ appId: 123, privateKey, Octokit: TestOctokit });
  await probot.load(
    uptimeApp({
      env: { UPTIME_ALLOWED_PROVIDERS: 'webhook', UPTIME_PRIVATE_TARGETS: 'allow' },
      clock: virtualClock(Date.UTC(2026, 0, 5, 12)),
      fetch: globalThis.fetch,
    }),
  );
});
afterEach(() => {
  nock.cleanAll();
});

const receive = (payload: ReturnType<typeof commentPayload>) =>
  probot.receive({ id: 'delivery-1', name: 'issue_comment', payload } as Parameters<Probot['receive']>[0]);

describe('the GitHub App', () => {
  it('a write user restarts: eyes, permission lookup, exactly one provider call, reply with duration and health', async () => {
    const { seen, problems } = github('write');
    const before = service.restarts();
    await receive(commentPayload('/restart coqui'));
    expect(service.restarts() - before).toBe(1);
    expect(seen.permissionLookups).toBe(1);
    expect(seen.reactions).toEqual(['eyes', 'rocket']);
    expect(seen.replies).toHaveLength(1);
    expect(seen.replies[0]).toMatch(
      /Restarted \*\*Coqui Voice Service\*\* through webhook .*; it answered healthy after \d+m?s\./,
    );
    expect(seen.replies[0]).toContain('<details><summary>Output</summary>\n\n```\nrestarting\n```');
    expect(seen.replies[0]).toContain('Audit: @Codertocat ran `/restart coqui`');
    // Three writes: the delivery id (a replay, even after a restart of the bot, runs nothing), the claim
    // (before the provider call, so concurrent commands can't overspend the budget) and the finished
    // attempt, which replaces the claim (same id).
    expect(seen.stateWrites).toHaveLength(3);
    expect(seen.stateWrites[0]).toMatchObject({
      state: { deliveries: { 'delivery-1': expect.any(Number) } },
    });
    expect(seen.stateWrites[2]).toMatchObject({
      state: { services: { coqui: { attempts: [{ healthy: true }] } } },
    });
    expect(problems()).toEqual([]);
  });

  it('a read user is refused with zero provider calls', async () => {
    const { seen, problems } = github('read');
    const before = service.restarts();
    await receive(commentPayload('/restart coqui'));
    expect(service.restarts() - before).toBe(0);
    expect(seen.reactions).toEqual(['eyes', '-1']);
    expect(seen.replies[0]).toContain('`/restart` needs write access');
    expect(seen.stateWrites).toEqual([]);
    expect(problems()).toEqual([]);
  });

  it('ignores edited comments and comments by bots: no request to GitHub at all', async () => {
    const { seen } = github('admin');
    const before = service.restarts();
    await receive(commentPayload('/restart coqui', { action: 'edited' }));
    await receive(commentPayload('/restart coqui', { login: 'uptime-action[bot]', type: 'Bot' }));
    await receive(commentPayload('/restart coqui', { login: 'renovate[bot]' }));
    expect(seen).toMatchObject({ tokens: 0, reactions: [], replies: [], permissionLookups: 0 });
    expect(service.restarts()).toBe(before);
  });

  it('refuses an unknown service and lists the known ones', async () => {
    const { seen } = github('write');
    const before = service.restarts();
    await receive(commentPayload('/restart nope'));
    expect(service.restarts()).toBe(before);
    expect(seen.reactions).toEqual(['eyes', '-1']);
    expect(seen.replies[0]).toContain('There is no service `nope`');
    expect(seen.replies[0]).toContain('Known services: `coqui`, `backend`');
  });

  it('/mode extreme by an admin writes the shared state on the uptime-state branch', async () => {
    const { seen, problems } = github('admin');
    await receive(commentPayload('/mode extreme'));
    expect(seen.reactions).toEqual(['eyes', 'rocket']);
    expect(seen.stateWrites).toEqual([
      expect.objectContaining({
        branch: 'uptime-state',
        sha: 's1',
        state: expect.objectContaining({ mode: 'extreme', modeSetBy: 'Codertocat' }),
      }),
    ]);
    expect(seen.replies[0]).toContain('Mode is now **extreme**');
    expect(problems()).toEqual([]);
  });

  it('/status replies with the status block', async () => {
    const { seen } = github('read');
    await receive(commentPayload('/status'));
    expect(seen.reactions).toEqual(['eyes', 'rocket']);
    expect(seen.replies[0]).toContain('### 📊 Status');
    expect(seen.replies[0]).toContain('Coqui Voice Service');
    expect(seen.replies[0]).toContain('| Service | Status |');
    expect(seen.stateWrites).toEqual([]);
  });
});

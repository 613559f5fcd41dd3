import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { startBotServer, type RunningBot } from '../../bot/server.js';
import { repositoryEventsPath } from '../../src/events/listener.js';
import { createRailwayProvider } from '../../src/providers/railway.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { RAILWAY_FIXTURE as F, startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { privateKey, TestOctokit } from './fixtures.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/**
 * Platform events to the running bot: a Railway project webhook (the payload shape of Railway's documentation)
 * posted to the bot's per-repository path starts a check at once, and the hosted watch recovers through a local
 * Railway GraphQL server; a forged event for a healthy service only costs one probe.
 */

const SECRET = 'test-webhook-secret';
const OWNER = 'Codertocat';
const REPO = 'Hello-World';
let stub: GitHubStub;
let railway: RailwayServer;
let bot: RunningBot;
let coqui: TestServer;
let backend: TestServer;
let broken = false;
let restartsWhenBroken = 0;
const events: Array<{ at: number; event: EngineEvent }> = [];

/** Railway's documented payload (docs.railway.com/observability/webhooks). */
const railwayEvent = (type: string, serviceId: string, deploymentId: string) => ({
  type,
  details: { id: deploymentId, source: 'GitHub', status: type.split('.')[1].toUpperCase(), branch: 'main' },
  resource: {
    workspace: { id: 'ws-1', name: 'acme' },
    project: { id: F.projectId, name: 'uptime-demo' },
    environment: { id: F.production, name: 'production', isEphemeral: false },
    service: { id: serviceId, name: 'svc' },
    deployment: { id: deploymentId },
  },
  severity: 'WARNING',
  timestamp: '2026-12-04T12:00:00.000Z',
});

const eventsUrl = () => `${bot.url}/events/${repositoryEventsPath(SECRET, OWNER, REPO)}`;
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function until<T>(what: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = what();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const checksOf = (service: string, after: number) =>
  events.filter((e) => e.at >= after && e.event.type === 'check' && e.event.service === service);

beforeAll(async () => {
  railway = await startRailwayServer({ pollsUntilDone: 0 });
  // Coqui answers 503 once broken, until Railway restarted its deployment.
  coqui = await startTestServer({
    kind: 'custom',
    handle: (req, res) => {
      req.resume();
      const down = broken && railway.state.restarts.length === restartsWhenBroken;
      res.writeHead(down ? 503 : 200, { 'content-type': 'text/plain' }).end(down ? 'crashed' : 'ok');
    },
  });
  backend = await startTestServer({ kind: 'up' });
  stub = await startGitHubStub({ owner: OWNER, repo: REPO, defaultBranch: 'master', prefix: '/api/v3' });
  const config = [
    // Polling alone would not look again for an hour: any check within the test is the event's.
    'healthCheckInterval: 1h',
    'maxConsecutiveFailures: 1',
    'successThreshold: 1',
    'services:',
    '  coqui:',
    `    url: ${coqui.url}`,
    `    recovery: { provider: railway, serviceId: ${F.coqui} }`,
    '  backend:',
    `    url: ${backend.url}`,
    `    recovery: { provider: railway, serviceId: ${F.backend} }`,
    '',
  ].join('\n');
  await fetch(`${stub.url}/repos/${OWNER}/${REPO}/contents/.github/uptime.yml`, {
    method: 'PUT',
    body: JSON.stringify({
      message: 'config',
      content: Buffer.from(config).toString('base64'),
      branch: 'master',
    }),
  });
  // The stub has no app endpoints: the installation lookup and its token are the routes nock answers.
  nock(new URL(stub.url).origin, { allowUnmocked: true })
    .persist()
    .get(`/api/v3/repos/${OWNER}/${REPO}/installation`)
    .reply(200, { id: 1 })
    .post('/api/v3/app/installations/1/access_tokens')
    .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' });
  bot = await startBotServer({
    env: {
      APP_ID: '123',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      GHE_HOST: new URL(stub.url).host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'fatal',
      UPTIME_PRIVATE_TARGETS: 'allow',
      UPTIME_WATCH_REPOS: `${OWNER}/${REPO}`,
      RAILWAY_API_URL: railway.url,
      RAILWAY_TOKEN: F.projectToken,
    },
    Octokit: TestOctokit,
    provider: () => createRailwayProvider({ pollIntervalMs: 20, retries: 0 }),
    watch: { site: false, onEvent: (_repo, event) => events.push({ at: Date.now(), event }) },
  });
  // The hosted watch's first sweep: both healthy.
  await until(() => checksOf('coqui', 0).length > 0 && checksOf('backend', 0).length > 0);
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await stub?.close();
  await railway?.close();
  await coqui?.close();
  await backend?.close();
  nock.cleanAll();
});

describe('platform events on the bot', () => {
  it('a forged or duplicated event for a healthy service costs a probe and changes nothing', async () => {
    const before = Date.now();
    const probes = backend.requests;
    // Five copies of the same crash, as a replaying attacker (or Railway's own retries) would send.
    for (let i = 0; i < 5; i++) {
      const answer = await post(eventsUrl(), railwayEvent('Deployment.crashed', F.backend, 'dep-backend-1'));
      expect(answer.status).toBe(202);
    }
    await until(() => checksOf('backend', before).length > 0, 1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(backend.requests - probes).toBeGreaterThanOrEqual(1);
    expect(backend.requests - probes).toBeLessThanOrEqual(5);
    expect(events.filter((e) => e.at >= before && e.event.type === 'status')).toEqual([]);
    expect(railway.state.restarts).toEqual([]);
    expect(stub.openIssues('incident')).toEqual([]);
  });

  it('a wrong key, another repository’s key or a non-platform body is refused and checks nothing', async () => {
    const before = Date.now();
    const probes = coqui.requests + backend.requests;
    const body = railwayEvent('Deployment.crashed', F.coqui, 'dep-coqui-1');
    expect(
      (await post(`${bot.url}/events/${OWNER}/${REPO}/guessed-key-000000000000000000`, body)).status,
    ).toBe(404);
    expect(
      (await post(`${bot.url}/events/${repositoryEventsPath(SECRET, OWNER, 'Other')}`, body)).status,
    ).toBe(404);
    expect((await post(eventsUrl(), { hello: 'world' })).status).toBe(400);
    expect((await fetch(eventsUrl(), { method: 'POST', body: 'not json' })).status).toBe(400);
    // A routine event (a deployment that succeeded) is accepted and checks nothing.
    expect((await post(eventsUrl(), railwayEvent('Deployment.success', F.coqui, 'dep-coqui-1'))).status).toBe(
      202,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(coqui.requests + backend.requests).toBe(probes);
    expect(checksOf('coqui', before)).toEqual([]);
  });

  it('Deployment.crashed for a broken service: checked within 1 s, then restarted through Railway and resolved', async () => {
    broken = true;
    restartsWhenBroken = railway.state.restarts.length;
    const sent = Date.now();
    const answer = await post(eventsUrl(), railwayEvent('Deployment.crashed', F.coqui, 'dep-coqui-1'));
    expect(answer.status).toBe(202);
    const firstCheck = await until(() => checksOf('coqui', sent)[0], 1000);
    expect(firstCheck.at - sent).toBeLessThan(1000);
    expect((firstCheck.event as { result: { ok: boolean } }).result.ok).toBe(false);
    const recovered = await until(
      () =>
        events.find((e) => e.at >= sent && e.event.type === 'recovery-end' && e.event.service === 'coqui'),
      15_000,
    );
    expect((recovered.event as { attempt: { action: string; healthy: boolean } }).attempt).toMatchObject({
      action: 'restart',
      healthy: true,
    });
    expect(railway.state.restarts).toEqual(['dep-coqui-1']);
    await bot.idle();
    const incidents = stub.issues.filter((i) => i.labels.includes('incident'));
    expect(incidents).toHaveLength(1);
    expect(incidents[0].title).toContain('coqui is down');
    // The incident says what the platform said (forensics), next to what the check saw.
    expect(incidents[0].body).toMatch(
      /- Platform event: Railway Deployment\.crashed \(deployment dep-coqui-1\), \d+ms before this check/,
    );
  }, 20_000);
});

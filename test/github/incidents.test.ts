import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { GitHubIncidentLog } from '../../src/incidents/github.js';
import { checkRequests } from '../helpers/openapi.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { coqui, memoryLogger, testOctokit } from './fixtures.js';

let stub: GitHubStub;
const at = Date.UTC(2026, 0, 1, 12);

function log(): GitHubIncidentLog {
  return new GitHubIncidentLog({
    client: testOctokit(stub.url),
    owner: stub.owner,
    repo: stub.repo,
    logger: memoryLogger(),
  });
}

beforeEach(async () => {
  stub = await startGitHubStub();
});
afterEach(async () => {
  expect(checkRequests(stub.requests)).toEqual([]);
  await stub.close();
});

describe('incident issues', () => {
  test('opens one labelled issue, creating the labels, and finds it again instead of opening a second', async () => {
    const incidents = log();
    expect(await incidents.findOpen(coqui)).toBeUndefined();
    const ref = await incidents.open(coqui, 'down', 'Detected: HTTP 503', at);
    expect(ref).toMatchObject({ number: 1, kind: 'down', openedAt: at });
    expect(stub.issues[0]).toMatchObject({
      title: '🔴 Coqui Voice Service is down',
      body: 'Detected: HTTP 503',
      state: 'open',
    });
    expect(stub.issues[0].labels).toEqual(['uptime', 'incident', 'service:coqui']);
    expect([...stub.labels.keys()]).toEqual(['uptime', 'incident', 'service:coqui']);

    const again = await log().open(coqui, 'down', 'Detected again', at + 60_000);
    expect(again.number).toBe(1);
    expect(stub.issues).toHaveLength(1);
    expect((await log().findOpen(coqui))?.number).toBe(1);
  });

  test("lists each configured service's oldest open incident in one request, nothing else", async () => {
    const backend = { ...coqui, id: 'backend', name: 'Backend' };
    const gone = { ...coqui, id: 'gone', name: 'Gone' };
    await log().open(coqui, 'down', 'first', at);
    await log().open(backend, 'degraded', 'slow', at);
    await log().open(gone, 'down', 'not configured any more', at);
    await log().resolve(backend, { number: 2, openedAt: at, kind: 'degraded' }, 'Resolved');
    await log().open(backend, 'down', 'again', at);
    // A second open issue for coqui (a person opened it with the labels): the oldest is the one kept.
    stub.issues.push({ ...stub.issues[0], number: 5, title: '🔴 Coqui Voice Service is down' });
    const before = stub.requests.length;
    const open = await log().openIncidents([coqui, backend]);
    expect(stub.requests.length - before).toBe(1);
    expect(Object.keys(open).sort()).toEqual(['backend', 'coqui']);
    expect(open.coqui).toMatchObject({ number: 1, kind: 'down' });
    expect(open.backend).toMatchObject({ number: 4, kind: 'down' });
  });

  test('a later outage (a new run) finds the labels and creates none: no POST /labels, no 422', async () => {
    await log().open(coqui, 'down', 'first', at);
    await log().resolve(coqui, { number: 1, openedAt: at, kind: 'down' }, 'Resolved after 1m');
    const before = stub.requests.length;
    const second = await log().open(coqui, 'down', 'second', at);
    expect(second.number).toBe(2);
    expect(stub.issues[1].labels).toEqual(['uptime', 'incident', 'service:coqui']);
    const later = stub.requests.slice(before);
    expect(later.filter((r) => r.method === 'POST' && r.url.endsWith('/labels'))).toEqual([]);
    expect(later.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']); // the issue only
    expect(stub.requests.filter((r) => r.status === 422)).toEqual([]);
  });

  test('a label someone deleted is created again on the next outage', async () => {
    await log().open(coqui, 'down', 'first', at);
    await log().resolve(coqui, { number: 1, openedAt: at, kind: 'down' }, 'Resolved after 1m');
    stub.labels.delete('service:coqui');
    await log().open(coqui, 'down', 'second', at);
    expect(stub.labels.get('service:coqui')).toMatchObject({ color: '1d76db' });
  });

  test('concurrent runs opening at once leave exactly one open issue, the lowest number', async () => {
    stub.faults.latencyMs = 5;
    const refs = await Promise.all([log(), log(), log()].map((l) => l.open(coqui, 'down', 'Detected', at)));
    expect(stub.issues.length).toBeGreaterThan(1); // the race happened: each run created one
    const open = stub.openIssues('service:coqui');
    expect(open.map((i) => i.number)).toEqual([1]);
    expect(refs.map((r) => r.number)).toEqual([1, 1, 1]);
    for (const closed of stub.issues.filter((i) => i.state === 'closed')) {
      expect(closed.state_reason).toBe('duplicate');
      expect(closed.comments.at(-1)?.body).toContain('Duplicate of #1');
    }
  });

  test('timeline comments, then resolve comments and closes as completed', async () => {
    const incidents = log();
    const ref = await incidents.open(coqui, 'down', 'Detected', at);
    await incidents.comment(coqui, ref, 'Restart via Railway: ok in 42s');
    await incidents.resolve(coqui, ref, 'Resolved after 1m 32s');
    const issue = stub.issues[0];
    expect(issue.comments.map((c) => c.body)).toEqual([
      'Restart via Railway: ok in 42s',
      'Resolved after 1m 32s',
    ]);
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(await incidents.findOpen(coqui)).toBeUndefined();
  });

  test('a degraded incident becomes a down one (title upgraded), not a second issue', async () => {
    await log().open(coqui, 'degraded', 'Slow: 6.2s', at);
    expect(stub.issues[0].title).toBe('🟠 Coqui Voice Service is degraded');
    const ref = await log().open(coqui, 'down', 'Now down', at + 1000);
    expect(ref).toMatchObject({ number: 1, kind: 'down' });
    expect(stub.issues).toHaveLength(1);
    expect(stub.issues[0].title).toBe('🔴 Coqui Voice Service is down');
  });

  test('resolving an issue someone deleted is not an error', async () => {
    await expect(
      log().resolve(coqui, { number: 99, openedAt: at, kind: 'down' }, 'Resolved'),
    ).resolves.toBeUndefined();
  });

  test('a secondary rate limit is waited out and retried (Retry-After), and the issue is opened once', async () => {
    stub.faults.secondaryRateLimit = { times: 1, retryAfterSeconds: 1, match: (m) => m === 'POST' };
    const logger = memoryLogger();
    const incidents = new GitHubIncidentLog({
      client: testOctokit(stub.url, logger),
      owner: stub.owner,
      repo: stub.repo,
      logger,
    });
    await incidents.open(coqui, 'down', 'Detected', at);
    expect(stub.issues).toHaveLength(1);
    expect(logger.lines.join('\n')).toMatch(/secondary rate limit .* retrying in 1s/);
  });

  test('a token without issues permission gets an error naming the service, the cause and the fix', async () => {
    stub.faults.secondaryRateLimit = undefined;
    const incidents = new GitHubIncidentLog({
      client: testOctokit(stub.url),
      owner: stub.owner,
      repo: 'other',
      logger: memoryLogger(),
    });
    await expect(incidents.open(coqui, 'down', 'x', at)).rejects.toThrow(
      /Service "coqui": could not open an incident issue in acme\/other \(HTTP 404.*issues: write/,
    );
  });
});

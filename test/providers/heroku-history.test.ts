import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext } from './context.js';

const API = 'https://api.heroku.com';
const KEY = 'heroku-secret-key-123456';
const heroku = providerFor('heroku');
const service = serviceWith({ provider: 'heroku', app: 'backend-app' });
const env = { HEROKU_API_KEY: KEY };
const headers = { authorization: `Bearer ${KEY}`, accept: 'application/vnd.heroku+json; version=3' };

// Shaped as the Platform API reference's Release and Slug info examples.
const release = (version: number, status: string, slug: string | null, extra = {}) => ({
  addon_plan_names: ['heroku-postgresql:essential-0'],
  app: { name: 'backend-app', id: '01234567-89ab-cdef-0123-456789abcdef' },
  created_at: `2026-11-30T${version - 23}:00:00Z`,
  description: status === 'failed' ? 'Deploy ffff000' : `Deploy v${version}`,
  id: `rel-${version}`,
  updated_at: `2026-11-30T${version - 23}:00:05Z`,
  slug: slug ? { id: slug } : null,
  status,
  user: { id: 'user-1', email: 'dev@example.com' },
  version,
  current: false,
  eligible_for_rollback: true,
  ...extra,
});
const releases = [
  release(42, 'failed', 'slug-42'),
  release(41, 'succeeded', 'slug-41', { current: true }),
  release(40, 'succeeded', 'slug-40'),
];
const slug = (commit: string, message: string) => ({
  id: 'slug',
  commit,
  commit_description: message,
  buildpack_provided_description: 'Node.js',
  process_types: { web: 'npm start' },
  size: 2048,
  stack: { id: 'stack', name: 'heroku-24' },
});

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The releases list, newest first via Range, checked for the version header and the token. */
const listed = () =>
  nock(API, { reqheaders: { ...headers, range: 'version ..; order=desc, max=20' } })
    .get('/apps/backend-app/releases')
    .reply(206, releases);

describe('Heroku releases, rollback and logs (issue 13)', () => {
  it('names the latest release and the previous succeeded one, with commit from their slugs', async () => {
    const scope = listed();
    const slugs = nock(API, { reqheaders: headers })
      .get('/apps/backend-app/slugs/slug-42')
      .reply(200, slug('ffff000011112222', 'break the health check'))
      .get('/apps/backend-app/slugs/slug-41')
      .reply(200, slug('a1b2c3d4e5f6', 'good version'));
    const history = await heroku.deployments!(service, testContext(env).ctx);
    expect(history).toEqual({
      latest: {
        id: 'rel-42',
        status: 'failed',
        createdAt: '2026-11-30T19:00:00Z',
        version: 'v42',
        commitSha: 'ffff000011112222',
        commitMessage: 'break the health check',
      },
      previousSuccessful: {
        id: 'rel-41',
        status: 'succeeded',
        createdAt: '2026-11-30T18:00:00Z',
        version: 'v41',
        commitSha: 'a1b2c3d4e5f6',
        commitMessage: 'good version',
      },
    });
    expect(scope.isDone() && slugs.isDone()).toBe(true);
  });

  it('rolls back with POST /releases { release: <id> } to the previous succeeded release', async () => {
    listed();
    nock(API)
      .get(/\/apps\/backend-app\/slugs\/.*/)
      .times(2)
      .reply(200, slug('a1b2c3d4e5f6', 'good'));
    const post = nock(API, { reqheaders: headers })
      .post('/apps/backend-app/releases', { release: 'rel-41' })
      .reply(201, release(43, 'succeeded', 'slug-41', { description: 'Rollback to v41', current: true }));
    const result = await heroku.rollback!(service, testContext(env).ctx, {});
    expect(result).toEqual({
      ok: true,
      detail: 'Heroku rolled backend-app back to release rel-41 (commit a1b2c3d) as v43 (succeeded)',
      deploymentId: 'rel-43',
    });
    expect(post.isDone()).toBe(true);
  });

  it('a dry run names the target release and posts nothing', async () => {
    listed();
    nock(API)
      .get(/\/apps\/backend-app\/slugs\/.*/)
      .times(2)
      .reply(200, slug('a1b2c3d4e5f6', 'good'));
    const post = nock(API).post('/apps/backend-app/releases').reply(201, {});
    const result = await heroku.rollback!(service, testContext(env).ctx, { dryRun: true });
    expect(result.detail).toBe('would roll back backend-app to Heroku release rel-41 (commit a1b2c3d)');
    expect(post.isDone()).toBe(false);
  });

  it('refuses plainly when no earlier release succeeded', async () => {
    nock(API)
      .get('/apps/backend-app/releases')
      .reply(200, [release(42, 'failed', null)]);
    const error = await heroku.rollback!(service, testContext(env).ctx, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain('no earlier succeeded release to roll back to');
  });

  it('reads logs through a log session: no API key to the logplex URL, lines redacted, the URL never shown', async () => {
    const logplex = 'https://logs.heroku.example/sessions/abc?srv=1&sig=logplex-signature-value';
    const session = nock(API, { reqheaders: headers })
      .post('/apps/backend-app/log-sessions', { lines: 3, source: 'app', tail: false })
      .reply(201, {
        created_at: '2026-11-30T19:10:00Z',
        id: 'sess-1',
        logplex_url: logplex,
        updated_at: '2026-11-30T19:10:00Z',
      });
    const read = nock('https://logs.heroku.example', { badheaders: ['authorization'] })
      .get('/sessions/abc')
      .query({ srv: '1', sig: 'logplex-signature-value' })
      .reply(
        200,
        [
          '2026-11-30T19:01:00.000000+00:00 app[web.1]: Authorization: Bearer abcdefgh12345678',
          `2026-11-30T19:02:00.000000+00:00 app[web.1]: key ${KEY}`,
          '2026-11-30T19:03:00.000000+00:00 app[web.1]: Error: boom',
          '2026-11-30T19:09:00.000000+00:00 app[web.1]: after detection',
          '',
        ].join('\n'),
      );
    const lines = await heroku.logs!(service, testContext(env).ctx, {
      deploymentId: 'rel-42',
      limit: 3,
      before: '2026-11-30T19:05:00Z',
    });
    expect(lines).toEqual([
      { timestamp: '2026-11-30T19:01:00.000Z', message: 'app[web.1]: Authorization: Bearer ***' },
      { timestamp: '2026-11-30T19:02:00.000Z', message: 'app[web.1]: key ***' },
      { timestamp: '2026-11-30T19:03:00.000Z', message: 'app[web.1]: Error: boom' },
    ]);
    expect(session.isDone() && read.isDone()).toBe(true);
  });

  it('stops reading a log session past 1 MiB and does not echo the signed URL', async () => {
    const logplex = 'https://logs.heroku.example/sessions/big?sig=logplex-signature-value';
    nock(API).post('/apps/backend-app/log-sessions').reply(201, { id: 's', logplex_url: logplex });
    nock('https://logs.heroku.example')
      .get('/sessions/big')
      .query(true)
      .reply(200, 'x'.repeat(1024 * 1024 + 10));
    const error = await heroku.logs!(service, testContext(env).ctx, { deploymentId: 'r' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain('larger than 1024 KiB');
    expect((error as Error).message).not.toContain('logplex-signature-value');
  });

  it.each(['http://169.254.169.254/latest/meta-data?sig=abcdef', 'file:///etc/passwd', 'not a url'])(
    'refuses a log session URL %j that is not https, without reading it',
    async (logplex) => {
      nock(API).post('/apps/backend-app/log-sessions').reply(201, { id: 's', logplex_url: logplex });
      const error = await heroku.logs!(service, testContext(env).ctx, { deploymentId: 'r' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as Error).message).toContain('log session URL that is not https');
      expect((error as Error).message).not.toContain(logplex);
    },
  );
});

import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext, manualTimeouts } from './context.js';

const API = 'https://api.heroku.com';
const KEY = 'heroku-secret-key-123456';
const heroku = providerFor('heroku');
const service = serviceWith({ provider: 'heroku', app: 'backend-app' });
const env = { HEROKU_API_KEY: KEY };
const headers = { authorization: `Bearer ${KEY}`, accept: 'application/vnd.heroku+json; version=3' };
const dynos = (state: string) => [
  { name: 'web.1', type: 'web', state },
  { name: 'worker.1', type: 'worker', state: 'up' },
];

afterEach(() => {
  nock.cleanAll();
});

describe('Heroku provider', () => {
  it('restarts all dynos and lists them until every one is up', async () => {
    const scope = nock(API, { reqheaders: headers })
      .delete('/apps/backend-app/dynos')
      .reply(202, {})
      .get('/apps/backend-app/dynos')
      .reply(200, dynos('starting'))
      .get('/apps/backend-app/dynos')
      .reply(200, dynos('up'));
    const { ctx, sleeps } = testContext(env);
    const result = await heroku.restart(service, ctx);
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('Heroku restarted all dynos of backend-app; all up (2 poll(s)');
    expect(sleeps).toEqual([5000]);
    expect(scope.isDone()).toBe(true);
  });

  it('restarts one process type through formations, or one dyno by name', async () => {
    const scope = nock(API)
      .delete('/apps/backend-app/formations/web')
      .reply(202, {})
      .get('/apps/backend-app/dynos')
      .reply(200, dynos('up'))
      .delete('/apps/backend-app/dynos/web.1')
      .reply(202, {})
      .get('/apps/backend-app/dynos')
      .reply(200, dynos('up'));
    const { ctx } = testContext(env);
    expect(
      (await heroku.restart(serviceWith({ provider: 'heroku', app: 'backend-app', dyno: 'web' }), ctx)).ok,
    ).toBe(true);
    expect(
      (await heroku.restart(serviceWith({ provider: 'heroku', app: 'backend-app', dyno: 'web.1' }), ctx)).ok,
    ).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('fails when a dyno is still crashed after the grace period', async () => {
    nock(API)
      .delete('/apps/backend-app/dynos')
      .reply(202, {})
      .get('/apps/backend-app/dynos')
      .times(20)
      .reply(200, dynos('crashed'));
    const result = await heroku.restart(service, testContext(env).ctx);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('but: web.1 crashed');
  });

  it('retries a 500, then succeeds', async () => {
    nock(API)
      .delete('/apps/backend-app/dynos')
      .reply(500, { id: 'internal_error', message: 'oops' })
      .delete('/apps/backend-app/dynos')
      .reply(202, {});
    nock(API).get('/apps/backend-app/dynos').reply(200, dynos('up'));
    const { ctx, retries } = testContext(env);
    expect((await heroku.restart(service, ctx)).ok).toBe(true);
    expect(retries[0]).toContain('HTTP 500 Internal Server Error: oops');
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    nock(API)
      .delete('/apps/backend-app/dynos')
      .reply(429, { id: 'rate_limit' }, { 'Retry-After': '20' })
      .delete('/apps/backend-app/dynos')
      .reply(202, {});
    nock(API).get('/apps/backend-app/dynos').reply(200, dynos('up'));
    const { ctx, sleeps } = testContext(env);
    await heroku.restart(service, ctx);
    expect(sleeps).toEqual([20_000]);
  });

  it('does not retry a 403 and explains it', async () => {
    const scope = nock(API)
      .delete('/apps/backend-app/dynos')
      .reply(403, { id: 'forbidden', message: 'You do not have access to the app backend-app.' });
    const error = (await heroku
      .restart(service, testContext(env).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toContain(
      'Heroku restart failed (HTTP 403 Forbidden: You do not have access to the app backend-app.). HEROKU_API_KEY is valid but not allowed to restart',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('times out a request that never answers', async () => {
    const { timeoutSignal, neverInTime } = manualTimeouts();
    nock(API).delete('/apps/backend-app/dynos').times(2).reply(neverInTime);
    await expect(
      heroku.restart(service, testContext(env, { requestTimeoutMs: 50, retries: 1, timeoutSignal }).ctx),
    ).rejects.toThrow(/Heroku restart failed \(no answer within 50ms\)/);
  });

  it('uses HEROKU_API_URL', async () => {
    nock('http://127.0.0.3:5000')
      .delete('/apps/backend-app/dynos')
      .reply(202, {})
      .get('/apps/backend-app/dynos')
      .reply(200, dynos('up'));
    expect(
      (await heroku.restart(service, testContext({ ...env, HEROKU_API_URL: 'http://127.0.0.3:5000' }).ctx))
        .ok,
    ).toBe(true);
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext, manualTimeouts } from './context.js';

const API = 'https://api.render.com';
const KEY = 'rnd_secret_key_123456';
const render = providerFor('render');
const service = serviceWith({ provider: 'render', serviceId: 'srv-abc' });
const env = { RENDER_API_KEY: KEY };

afterEach(() => {
  nock.cleanAll();
});

describe('Render provider', () => {
  it('restarts with POST /services/{id}/restart and the API key as Bearer', async () => {
    const scope = nock(API, { reqheaders: { authorization: `Bearer ${KEY}` } })
      .post('/v1/services/srv-abc/restart')
      .reply(200);
    const result = await render.restart(service, testContext(env).ctx);
    expect(result).toEqual({ ok: true, detail: 'Render restarted service srv-abc' });
    expect(scope.isDone()).toBe(true);
  });

  it('redeploys and follows the deploy until live', async () => {
    const scope = nock(API)
      .post('/v1/services/srv-abc/deploys', { clearCache: 'do_not_clear' })
      .reply(201, { id: 'dep-1', status: 'created' })
      .get('/v1/services/srv-abc/deploys/dep-1')
      .reply(200, { id: 'dep-1', status: 'build_in_progress' })
      .get('/v1/services/srv-abc/deploys/dep-1')
      .reply(200, { id: 'dep-1', status: 'update_in_progress' })
      .get('/v1/services/srv-abc/deploys/dep-1')
      .reply(200, { id: 'dep-1', status: 'live' });
    const { ctx, sleeps } = testContext(env, { pollIntervalMs: 3000 });
    const result = await render.redeploy(service, ctx);
    expect(result).toMatchObject({ ok: true, deploymentId: 'dep-1' });
    expect(result.detail).toContain('is live (3 poll(s), 6s)');
    expect(sleeps).toEqual([3000, 3000]);
    expect(scope.isDone()).toBe(true);
  });

  it('reports a deploy that ends build_failed as not ok', async () => {
    nock(API)
      .post('/v1/services/srv-abc/deploys')
      .reply(201, { id: 'dep-2', status: 'created' })
      .get('/v1/services/srv-abc/deploys/dep-2')
      .reply(200, { status: 'build_failed' });
    const result = await render.redeploy(service, testContext(env).ctx);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('ended build_failed');
  });

  it('stops following at the deadline', async () => {
    nock(API)
      .post('/v1/services/srv-abc/deploys')
      .reply(201, { id: 'dep-3' })
      .get('/v1/services/srv-abc/deploys/dep-3')
      .times(4)
      .reply(200, { status: 'build_in_progress' });
    const result = await render.redeploy(
      service,
      testContext(env, { pollIntervalMs: 1000, deadlineMs: 3000 }).ctx,
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('still build_in_progress at the deadline');
  });

  it('retries a 503, then succeeds', async () => {
    const scope = nock(API)
      .post('/v1/services/srv-abc/restart')
      .reply(503)
      .post('/v1/services/srv-abc/restart')
      .reply(202);
    const { ctx, retries } = testContext(env);
    expect((await render.restart(service, ctx)).ok).toBe(true);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/Service "Backend Node.js": Render restart: HTTP 503.*retry 1\/3 in 1\.0s/);
    expect(scope.isDone()).toBe(true);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    nock(API)
      .post('/v1/services/srv-abc/restart')
      .reply(429, {}, { 'Retry-After': '12' })
      .post('/v1/services/srv-abc/restart')
      .reply(200);
    const { ctx, sleeps, clock } = testContext(env);
    const before = clock.now();
    await render.restart(service, ctx);
    expect(sleeps).toEqual([12_000]);
    expect(clock.now() - before).toBe(12_000);
  });

  it("honours Render's Ratelimit-Reset (seconds) when there is no Retry-After", async () => {
    nock(API)
      .post('/v1/services/srv-abc/restart')
      .reply(429, {}, { 'Ratelimit-Reset': '7' })
      .post('/v1/services/srv-abc/restart')
      .reply(200);
    const { ctx, sleeps } = testContext(env);
    await render.restart(service, ctx);
    expect(sleeps).toEqual([7000]);
  });

  it('does not retry a 401 and names the variable, never the key', async () => {
    const scope = nock(API)
      .post('/v1/services/srv-abc/restart')
      .reply(401, { message: `invalid key ${KEY}` });
    const error = (await render
      .restart(service, testContext(env).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(
      /^Service "Backend Node.js": Render restart failed \(HTTP 401.*\)\. RENDER_API_KEY was rejected/,
    );
    expect(error.message).not.toContain(KEY);
    expect(error.details).toMatchObject({ service: 'backend', provider: 'render', status: 401, auth: true });
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('gives up after the retries when the API never answers in time', async () => {
    const { timeoutSignal, neverInTime } = manualTimeouts();
    nock(API).post('/v1/services/srv-abc/restart').times(2).reply(neverInTime);
    const { ctx, retries } = testContext(env, { requestTimeoutMs: 50, retries: 1, timeoutSignal });
    await expect(render.restart(service, ctx)).rejects.toThrow(
      /Render restart failed \(no answer within 50ms\)\. Render did not answer in 2 attempt\(s\); check RENDER_API_URL/,
    );
    expect(retries).toHaveLength(1);
  });

  it('uses RENDER_API_URL and explains a 404', async () => {
    nock('http://render.internal:8080')
      .post('/api/services/srv-abc/restart')
      .reply(404, { message: 'not found' });
    const { ctx } = testContext({ ...env, RENDER_API_URL: 'http://render.internal:8080/api/' });
    await expect(render.restart(service, ctx)).rejects.toThrow(/check recovery\.serviceId \(srv-/);
  });

  it('fails before any request when RENDER_API_KEY is missing', async () => {
    await expect(render.restart(service, testContext({}).ctx)).rejects.toThrow(
      /RENDER_API_KEY is not set\)\. Set RENDER_API_KEY/,
    );
  });
});

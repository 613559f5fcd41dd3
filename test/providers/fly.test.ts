import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext, manualTimeouts } from './context.js';

const API = 'https://api.machines.dev';
const TOKEN = 'fly_secret_token_123456';
const fly = providerFor('fly');
const service = serviceWith({ provider: 'fly', app: 'coqui-app' });
const env = { FLY_API_TOKEN: TOKEN };
const machines = [
  { id: 'm1', name: 'red', state: 'started' },
  { id: 'm2', name: 'blue', state: 'stopped' },
];

afterEach(() => {
  nock.cleanAll();
});

describe('Fly.io provider', () => {
  it('restarts every machine in turn and waits for each to be started', async () => {
    const order: string[] = [];
    const scope = nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/v1/apps/coqui-app/machines')
      .reply(200, machines)
      .post('/v1/apps/coqui-app/machines/m1/restart')
      .reply(200, () => (order.push('restart m1'), { ok: true }))
      .get('/v1/apps/coqui-app/machines/m1/wait')
      .query({ state: 'started', timeout: '60' })
      .reply(200, () => (order.push('wait m1'), { ok: true }))
      .post('/v1/apps/coqui-app/machines/m2/restart')
      .reply(200, () => (order.push('restart m2'), { ok: true }))
      .get('/v1/apps/coqui-app/machines/m2/wait')
      .query(true)
      .reply(408, { error: 'deadline_exceeded' })
      .get('/v1/apps/coqui-app/machines/m2/wait')
      .query(true)
      .reply(200, () => (order.push('wait m2'), { ok: true }));
    const result = await fly.restart(service, testContext(env).ctx);
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('Fly restarted 2 machine(s) of coqui-app: m1, m2');
    expect(order).toEqual(['restart m1', 'wait m1', 'restart m2', 'wait m2']);
    expect(scope.isDone()).toBe(true);
  });

  it('restarts only the configured machines (by id or name)', async () => {
    const scope = nock(API)
      .get('/v1/apps/coqui-app/machines')
      .reply(200, machines)
      .post('/v1/apps/coqui-app/machines/m2/restart')
      .reply(200, { ok: true })
      .get('/v1/apps/coqui-app/machines/m2/wait')
      .query(true)
      .reply(200, { ok: true });
    const result = await fly.restart(
      serviceWith({ provider: 'fly', app: 'coqui-app', machines: ['blue'] }),
      testContext(env).ctx,
    );
    expect(result.detail).toContain(': m2');
    expect(scope.isDone()).toBe(true);
  });

  it('retries a 502 on the machine list, then restarts', async () => {
    nock(API)
      .get('/v1/apps/coqui-app/machines')
      .reply(502)
      .get('/v1/apps/coqui-app/machines')
      .reply(200, [machines[0]]);
    nock(API)
      .post('/v1/apps/coqui-app/machines/m1/restart')
      .reply(200, {})
      .get('/v1/apps/coqui-app/machines/m1/wait')
      .query(true)
      .reply(200, {});
    const { ctx, retries } = testContext(env);
    expect((await fly.restart(service, ctx)).ok).toBe(true);
    expect(retries).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    nock(API).get('/v1/apps/coqui-app/machines').reply(200, [machines[0]]);
    nock(API)
      .post('/v1/apps/coqui-app/machines/m1/restart')
      .reply(429, {}, { 'Retry-After': '3' })
      .post('/v1/apps/coqui-app/machines/m1/restart')
      .reply(200, {});
    nock(API).get('/v1/apps/coqui-app/machines/m1/wait').query(true).reply(200, {});
    const { ctx, sleeps } = testContext(env);
    await fly.restart(service, ctx);
    expect(sleeps).toEqual([3000]);
  });

  it('does not retry a 401', async () => {
    const scope = nock(API).get('/v1/apps/coqui-app/machines').reply(401, { error: 'unauthorized' });
    const error = (await fly
      .restart(service, testContext(env).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toMatch(
      /Service "Backend Node.js": Fly\.io restart failed \(HTTP 401.*unauthorized\)\. FLY_API_TOKEN was rejected/,
    );
    expect(error.details.auth).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('times out a request that never answers', async () => {
    const { timeoutSignal, neverInTime } = manualTimeouts();
    nock(API).get('/v1/apps/coqui-app/machines').times(2).reply(neverInTime);
    await expect(
      fly.restart(service, testContext(env, { requestTimeoutMs: 50, retries: 1, timeoutSignal }).ctx),
    ).rejects.toThrow(/no answer within 50ms/);
  });

  it('says so when the machine does not start before the deadline', async () => {
    nock(API)
      .get('/v1/apps/coqui-app/machines')
      .reply(200, [machines[0]])
      .post('/v1/apps/coqui-app/machines/m1/restart')
      .reply(200, {});
    nock(API).get('/v1/apps/coqui-app/machines/m1/wait').query(true).times(3).reply(408, {});
    const result = await fly.restart(
      service,
      testContext(env, { pollIntervalMs: 1000, deadlineMs: 2000 }).ctx,
    );
    expect(result).toEqual({ ok: false, detail: 'Fly machine m1 not started before the deadline' });
  });

  it('uses FLY_API_URL, and refuses redeploy with the fix', async () => {
    nock('http://127.0.0.2:4280').get('/v1/apps/coqui-app/machines').reply(200, []);
    const { ctx } = testContext({ ...env, FLY_API_URL: 'http://127.0.0.2:4280' });
    await expect(fly.restart(service, ctx)).rejects.toThrow(
      /app coqui-app has no machines\)\. Deploy the app once/,
    );
    await expect(fly.redeploy(service, ctx)).rejects.toThrow(/no redeploy\)\. Use actions: \[restart\]/);
  });
});

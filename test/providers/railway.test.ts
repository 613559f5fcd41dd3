import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { DEPLOYMENT_RESTART, LATEST_DEPLOYMENT } from '../../src/providers/railway-api.js';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { railwayDocumentErrors } from '../helpers/railway-server.js';
import { serviceWith, testContext, manualTimeouts } from './context.js';

const API = 'https://backboard.railway.com';
const PATH = '/graphql/v2';
const TOKEN = 'railway-project-token-123456';
const railway = providerFor('railway');
const service = serviceWith({ provider: 'railway', serviceId: 'svc-1', environmentId: 'env-1' });
const env = { RAILWAY_TOKEN: TOKEN };

type Body = { query: string; variables: Record<string, unknown> };
/** Matches one operation, and only documents valid against Railway's schema. */
const op = (name: string) => (body: Body) =>
  body.query.includes(name) && railwayDocumentErrors(body.query).length === 0;
const latest = (status: string) => ({
  data: {
    serviceInstance: { serviceName: 'backend', latestDeployment: { id: 'dep-1', status, canRedeploy: true } },
  },
});

afterEach(() => {
  nock.cleanAll();
});

describe('Railway provider (unit, nock)', () => {
  it('sends the project token as Project-Access-Token, restarts and follows to SUCCESS', async () => {
    const scope = nock(API, { reqheaders: { 'project-access-token': TOKEN }, badheaders: ['authorization'] })
      .post(
        PATH,
        (b: Body) =>
          op('LatestDeployment')(b) &&
          b.variables.environmentId === 'env-1' &&
          b.variables.serviceId === 'svc-1',
      )
      .reply(200, latest('CRASHED'))
      .post(PATH, (b: Body) => b.query === DEPLOYMENT_RESTART && b.variables.id === 'dep-1')
      .reply(200, { data: { deploymentRestart: true } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { id: 'dep-1', status: 'DEPLOYING' } } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { id: 'dep-1', status: 'SUCCESS' } } });
    const { ctx, sleeps } = testContext(env, { pollIntervalMs: 2000 });
    const result = await railway.restart(service, ctx);
    expect(result).toEqual({
      ok: true,
      detail: 'deployment dep-1 restarted (SUCCESS, 2 poll(s), 2s)',
      deploymentId: 'dep-1',
    });
    expect(sleeps).toEqual([2000]);
    expect(scope.isDone()).toBe(true);
  });

  it('sends RAILWAY_API_TOKEN as Bearer', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'Bearer acct-token-123456' } })
      .post(PATH, op('LatestDeployment'))
      .reply(200, latest('SUCCESS'))
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { id: 'dep-1', status: 'SUCCESS' } } });
    expect(
      (await railway.restart(service, testContext({ RAILWAY_API_TOKEN: 'acct-token-123456' }).ctx)).ok,
    ).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('retries a 503, then succeeds', async () => {
    nock(API).post(PATH).reply(503).post(PATH, op('LatestDeployment')).reply(200, latest('SUCCESS'));
    nock(API)
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { status: 'SUCCESS' } } });
    const { ctx, retries } = testContext(env);
    expect((await railway.restart(service, ctx)).ok).toBe(true);
    expect(retries).toEqual([
      expect.stringMatching(/^Service "Backend Node\.js": Railway restart: HTTP 503.*retry 1\/3 in 1\.0s$/),
    ]);
  });

  it('waits as long as a 429 Retry-After asks, and honours X-RateLimit-Reset', async () => {
    const { ctx, sleeps, clock } = testContext(env);
    const resetAt = Math.floor(clock.now() / 1000) + 9;
    nock(API)
      .post(PATH)
      .reply(429, {}, { 'Retry-After': '6' })
      .post(PATH)
      .reply(429, {}, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) })
      .post(PATH, op('LatestDeployment'))
      .reply(200, latest('SUCCESS'))
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { status: 'SUCCESS' } } });
    await railway.restart(service, ctx);
    // The reset is absolute (epoch seconds): 9 s after the start is 3 s after the first wait.
    expect(sleeps).toEqual([6000, 3000]);
  });

  it('does not retry a 401: one request, and the fix names the token kind', async () => {
    const scope = nock(API)
      .post(PATH)
      .once()
      .reply(401, { errors: [{ message: 'Not Authorized' }] });
    const error = (await railway
      .restart(service, testContext(env).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(
      /Railway restart failed \(HTTP 401.*\)\. RAILWAY_TOKEN is a project token: it only works/,
    );
    expect(error.message).not.toContain(TOKEN);
    expect(scope.isDone()).toBe(true);
  });

  it('turns a GraphQL Not Authorized for a bearer token into the account-token fix, without retrying', async () => {
    const scope = nock(API)
      .post(PATH)
      .once()
      .reply(200, { data: null, errors: [{ message: 'Not Authorized' }] });
    const error = (await railway
      .restart(service, testContext({ RAILWAY_API_TOKEN: 'acct-token-123456' }).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toContain(
      'Service "Backend Node.js": Railway restart failed (Not Authorized). RAILWAY_API_TOKEN is sent as an account/workspace token',
    );
    expect(error.details).toMatchObject({ auth: true, operation: 'restart', provider: 'railway' });
    expect(scope.isDone()).toBe(true);
  });

  it('times out a request that never answers, after the retries', async () => {
    const { timeoutSignal, neverInTime } = manualTimeouts();
    nock(API).post(PATH).times(3).reply(neverInTime);
    const { ctx, retries } = testContext(env, { requestTimeoutMs: 50, retries: 2, timeoutSignal });
    await expect(railway.restart(service, ctx)).rejects.toThrow(
      /Railway restart failed \(no answer within 50ms\)\. Railway did not answer in 3 attempt\(s\); check RAILWAY_API_URL/,
    );
    expect(retries).toHaveLength(2);
  });

  it('fails a restart that ends CRASHED once the grace period is over, and stops at the deadline', async () => {
    nock(API)
      .post(PATH, op('LatestDeployment'))
      .reply(200, latest('SUCCESS'))
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } });
    nock(API)
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { status: 'CRASHED' } } });
    expect(await railway.restart(service, testContext(env).ctx)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('ended CRASHED'),
    });

    nock(API)
      .post(PATH, op('LatestDeployment'))
      .reply(200, latest('SUCCESS'))
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } });
    nock(API)
      .post(PATH, op('DeploymentStatus'))
      .times(4)
      .reply(200, { data: { deployment: { status: 'DEPLOYING' } } });
    const late = await railway.restart(
      service,
      testContext(env, { pollIntervalMs: 1000, deadlineMs: 3000 }).ctx,
    );
    expect(late).toMatchObject({
      ok: false,
      detail: expect.stringContaining('still DEPLOYING at the deadline (4 poll(s), 3s)'),
    });
  });

  it('keeps following while Railway still reports the crash that caused the restart', async () => {
    nock(API)
      .post(PATH, op('LatestDeployment'))
      .reply(200, latest('CRASHED'))
      .post(PATH, op('DeploymentRestart'))
      .reply(200, { data: { deploymentRestart: true } });
    nock(API)
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { status: 'CRASHED' } } })
      .post(PATH, op('DeploymentStatus'))
      .reply(200, { data: { deployment: { status: 'SUCCESS' } } });
    expect((await railway.restart(service, testContext(env).ctx)).ok).toBe(true);
  });

  it('uses RAILWAY_API_URL', async () => {
    const scope = nock('http://railway.test')
      .post('/gql', (b: Body) => b.query === LATEST_DEPLOYMENT)
      .reply(200, latest('SUCCESS'));
    const status = await railway.status!(
      service,
      testContext({ ...env, RAILWAY_API_URL: 'http://railway.test/gql' }).ctx,
    );
    expect(status).toEqual({ state: 'SUCCESS', detail: 'latest deployment dep-1 is SUCCESS' });
    expect(scope.isDone()).toBe(true);
  });

  it('fails clearly with no token at all, before any request', async () => {
    await expect(railway.restart(service, testContext({}).ctx)).rejects.toThrow(
      /Railway restart failed \(no Railway token\)\. Set RAILWAY_TOKEN/,
    );
  });
});

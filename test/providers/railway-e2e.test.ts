import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { RAILWAY_FIXTURE as F, startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { serviceWith, testContext } from './context.js';

const railway = providerFor('railway');
let server: RailwayServer;

beforeEach(async () => {
  server = await startRailwayServer({ pollsUntilDone: 2 });
});
afterEach(async () => {
  expect(server.invalidDocuments).toEqual([]);
  await server.close();
});

const backend = (extra: Record<string, string> = {}) =>
  serviceWith({ provider: 'railway', serviceId: F.backend, ...extra });

describe('Railway against a local GraphQL server (RAILWAY_API_URL)', () => {
  it('restarts the latest deployment with a project token and follows it to SUCCESS', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    const result = await railway.restart(backend(), ctx);
    expect(result).toMatchObject({ ok: true, deploymentId: 'dep-backend-1' });
    expect(result.detail).toContain('restarted (SUCCESS');
    expect(server.state.restarts).toEqual(['dep-backend-1']);
    expect(server.requests.map((r) => r.operationName)).toEqual([
      'ProjectTokenScope',
      'LatestDeployment',
      'DeploymentRestart',
      'DeploymentStatus',
      'DeploymentStatus',
    ]);
    expect(server.requests.every((r) => r.auth === 'project')).toBe(true);
  });

  it('with a bearer token finds the environment named production', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_API_TOKEN: F.bearerToken });
    const result = await railway.restart(backend(), ctx);
    expect(result.ok).toBe(true);
    expect(server.requests[0]).toMatchObject({ operationName: 'ServiceProject', auth: 'bearer' });
    expect(server.requests[2]).toMatchObject({
      operationName: 'LatestDeployment',
      variables: { environmentId: F.production },
    });
  });

  it('treats LEGACY_TOKEN as a project token when projectToken answers, else as a bearer token', async () => {
    const asProject = testContext({ RAILWAY_API_URL: server.url, LEGACY_TOKEN: F.stagingToken });
    expect((await railway.restart(backend(), asProject.ctx)).deploymentId).toBe('dep-backend-stg');
    server.requests.length = 0;
    const asBearer = testContext({ RAILWAY_API_URL: server.url, LEGACY_TOKEN: F.bearerToken });
    expect((await railway.restart(backend(), asBearer.ctx)).deploymentId).toBe('dep-backend-1');
    expect(server.requests.map((r) => r.auth).slice(0, 2)).toEqual(['project', 'bearer']);
  });

  it('never sends a second restart while the latest deployment is still deploying (another process restarted it)', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    Object.assign(server.latest(F.backend, F.production)!, {
      status: 'DEPLOYING',
      pollsLeft: 3,
      finalStatus: 'SUCCESS',
    });
    const result = await railway.restart(backend(), ctx);
    expect(server.state.restarts).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(
      /was already DEPLOYING, so no second restart was sent; followed it \(SUCCESS, 3 poll/,
    );
  });

  it('joins a restart already running in this process instead of sending another', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    const results = await Promise.all([railway.restart(backend(), ctx), railway.restart(backend(), ctx)]);
    expect(server.state.restarts).toHaveLength(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[1].detail).toMatch(/already running, so no second restart was sent; joined it/);
  });

  it('redeploys as a new deployment, and uses serviceInstanceRedeploy when there is none', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_API_TOKEN: F.bearerToken });
    const redeployed = await railway.redeploy(backend({ environmentId: F.production }), ctx);
    expect(redeployed).toMatchObject({ ok: true });
    expect(redeployed.deploymentId).not.toBe('dep-backend-1');
    expect(server.latest(F.backend, F.production)?.status).toBe('SUCCESS');

    server.state.deployments = server.state.deployments.filter((d) => d.serviceId !== F.coqui);
    const coqui = serviceWith(
      { provider: 'railway', serviceId: F.coqui, environmentId: F.production },
      'Coqui Voice Service',
    );
    const fresh = await railway.redeploy(coqui, ctx);
    expect(fresh.ok).toBe(true);
    expect(server.requests.map((r) => r.operationName)).toContain('ServiceInstanceRedeploy');
    await expect(railway.restart({ ...coqui, id: 'other' }, ctx)).resolves.toMatchObject({ ok: true });
  });

  it('reports a deployment that crashes after the restart as not ok', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    server.state.nextOutcome = 'CRASHED';
    const result = await railway.restart(backend(), ctx);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('ended CRASHED');
  });

  it('survives a 502 and a 429 from the server, waiting as Retry-After asks', async () => {
    const { ctx, sleeps } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    server.inject.httpError(502);
    server.inject.rateLimit(4);
    const result = await railway.restart(backend(), ctx);
    expect(result.ok).toBe(true);
    expect(sleeps.slice(0, 2)).toEqual([1000, 4000]);
    expect(server.state.restarts).toHaveLength(1);
  });

  it('retries a GraphQL rate-limit error like a 429', async () => {
    const { ctx, retries } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    server.inject.graphqlError('Rate limit exceeded, retry later');
    expect((await railway.restart(backend(), ctx)).ok).toBe(true);
    expect(retries).toEqual([expect.stringContaining('Railway: Rate limit exceeded')]);
  });

  it('explains Not Authorized for a project token of another environment', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.stagingToken });
    const error = await railway
      .restart(backend({ environmentId: F.production }), ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    const message = (error as ProviderError).message;
    expect(message).toContain('Service "Backend Node.js": Railway restart failed (Not Authorized)');
    expect(message).toContain('RAILWAY_TOKEN is a project token');
    expect(message).not.toContain(F.stagingToken);
    expect(server.state.restarts).toEqual([]);
  });

  it('fails with a clear error when no environment can be found', async () => {
    server.state.environments = server.state.environments.filter((e) => e.name !== 'production');
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_API_TOKEN: F.bearerToken });
    await expect(railway.restart(backend(), ctx)).rejects.toThrow(
      /no environment named production \(found: staging \(env-staging\)\).*recovery\.environmentId/,
    );
  });
});

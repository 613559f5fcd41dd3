import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { performAction } from '../../src/providers/actions.js';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import {
  RAILWAY_FIXTURE as F,
  defaultRailwayState,
  startRailwayServer,
  type FakeDeployment,
  type RailwayServer,
} from '../helpers/railway-server.js';
import { serviceWith, testContext } from './context.js';

const railway = providerFor('railway');
const backend = serviceWith({ provider: 'railway', serviceId: F.backend });
let server: RailwayServer;

/** backend in production: a good deploy (replaced, so REMOVED), then a bad one that crashed. */
function history(): FakeDeployment[] {
  const base = defaultRailwayState().deployments;
  const good = { ...base[0], status: 'REMOVED', createdAt: '2026-11-30T18:00:00.000Z' };
  good.meta = { commitHash: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0', commitMessage: 'Good version' };
  const bad: FakeDeployment = {
    ...base[0],
    id: 'dep-backend-bad',
    status: 'CRASHED',
    createdAt: '2026-11-30T19:00:00.000Z',
    meta: { commitHash: 'ffff0000ffff0000ffff0000ffff0000ffff0000', commitMessage: 'Break the health check' },
    logs: [
      { timestamp: '2026-11-30T19:01:00.000Z', message: 'listening on :8080' },
      { timestamp: '2026-11-30T19:02:00.000Z', message: 'db url postgres://app:hunter2@db:5432/x' },
      { timestamp: '2026-11-30T19:03:00.000Z', message: `token ${F.projectToken} in use`, severity: 'info' },
      { timestamp: '2026-11-30T19:04:00.000Z', message: 'TypeError: cannot read x', severity: 'error' },
      { timestamp: '2026-11-30T19:09:00.000Z', message: 'after detection' },
    ],
  };
  return [good, base[1], base[2], bad];
}

beforeEach(async () => {
  server = await startRailwayServer({ pollsUntilDone: 2, state: { deployments: history() } });
});
afterEach(async () => {
  expect(server.invalidDocuments).toEqual([]);
  await server.close();
});

const context = () => testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });

describe('Railway forensics and rollback against the local GraphQL server (issue 13)', () => {
  it('names the latest deployment and the last one that ran before it, with commit sha and message', async () => {
    const result = await railway.deployments!(backend, context().ctx);
    expect(result).toEqual({
      latest: {
        id: 'dep-backend-bad',
        status: 'CRASHED',
        createdAt: '2026-11-30T19:00:00.000Z',
        commitSha: 'ffff0000ffff0000ffff0000ffff0000ffff0000',
        commitMessage: 'Break the health check',
      },
      previousSuccessful: {
        id: 'dep-backend-1',
        status: 'REMOVED',
        createdAt: '2026-11-30T18:00:00.000Z',
        commitSha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
        commitMessage: 'Good version',
      },
    });
    const asked = server.requests.find((r) => r.operationName === 'ServiceDeployments');
    expect(asked?.variables).toEqual({ first: 20, serviceId: F.backend, environmentId: F.production });
  });

  it('reads the last lines before detection, oldest first, with secrets redacted', async () => {
    const lines = await railway.logs!(backend, context().ctx, {
      deploymentId: 'dep-backend-bad',
      before: '2026-11-30T19:05:00.000Z',
      limit: 3,
    });
    expect(lines).toEqual([
      { timestamp: '2026-11-30T19:02:00.000Z', message: 'db url postgres://app:***@db:5432/x' },
      { timestamp: '2026-11-30T19:03:00.000Z', message: 'token *** in use', severity: 'info' },
      { timestamp: '2026-11-30T19:04:00.000Z', message: 'TypeError: cannot read x', severity: 'error' },
    ]);
    expect(server.requests.at(-1)).toMatchObject({
      operationName: 'DeploymentLogs',
      variables: { deploymentId: 'dep-backend-bad', endDate: '2026-11-30T19:05:00.000Z', limit: 3 },
    });
  });

  it('a dry run names the target deployment and sends no mutation', async () => {
    const result = await railway.rollback!(backend, context().ctx, { dryRun: true });
    expect(result).toEqual({
      ok: true,
      detail: 'would roll back to Railway deployment dep-backend-1 (commit a1b2c3d)',
      deploymentId: 'dep-backend-1',
    });
    expect(server.state.rollbacks).toEqual([]);
    expect(server.requests.map((r) => r.operationName)).not.toContain('DeploymentRollback');
  });

  it('rolls back with deploymentRollback(id) and follows the new deployment to SUCCESS (the ladder step)', async () => {
    const result = await performAction(railway, 'rollback', backend, context().ctx);
    expect(server.state.rollbacks).toEqual(['dep-backend-1']);
    const fresh = server.latest(F.backend, F.production)!;
    expect(fresh.meta).toEqual(server.state.deployments[0].meta);
    expect(result).toMatchObject({ ok: true, deploymentId: fresh.id });
    expect(result.detail).toMatch(
      /^Railway rolled back to deployment dep-backend-1 \(commit a1b2c3d\) as deployment .* \(SUCCESS, /,
    );
    expect(server.requests.find((r) => r.operationName === 'DeploymentRollback')?.variables).toEqual({
      id: 'dep-backend-1',
    });
  });

  it('refuses plainly when no earlier deployment can be rolled back to', async () => {
    server.state.deployments[0].canRollback = false;
    const error = await railway.rollback!(backend, context().ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain('no earlier deployment of service svc-backend');
    expect(server.state.rollbacks).toEqual([]);
  });

  it("a project token of another environment cannot read this environment's deployments", async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.stagingToken });
    const service = serviceWith({ provider: 'railway', serviceId: F.backend, environmentId: F.production });
    const error = await railway.deployments!(service, ctx).catch((e: unknown) => e);
    expect((error as Error).message).toContain('Not Authorized');
    expect((error as Error).message).not.toContain(F.stagingToken);
  });

  it('keeps a hostile meta bounded: a non-string sha is dropped, a huge message cut to 500 characters', async () => {
    const bad = server.latest(F.backend, F.production)!;
    bad.meta = { commitHash: { $gt: '' }, commitMessage: 'x'.repeat(100_000) };
    const { latest } = await railway.deployments!(backend, context().ctx);
    expect(latest?.commitSha).toBeUndefined();
    expect(latest?.commitMessage).toHaveLength(500);
  });
});

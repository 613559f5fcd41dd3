/**
 * A tiny Railway GraphQL endpoint on 127.0.0.1 for the Action's tests: answers the provider's operations
 * (latest deployment, restart, deployment status) and calls `onRestart`, so a restart can really bring a
 * loopback health server back.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startRailwayStub(options: { onRestart?: () => void } = {}) {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { query = '' } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query?: string };
      const operation = query.match(/(?:query|mutation)\s+(\w+)/)?.[1] ?? 'unknown';
      calls.push(operation);
      const data: Record<string, unknown> = {
        LatestDeployment: {
          serviceInstance: {
            serviceName: 'api',
            latestDeployment: { id: 'dep-123456789', status: 'SUCCESS', canRedeploy: true },
          },
        },
        DeploymentRestart: { deploymentRestart: true },
        DeploymentRedeploy: { deploymentRedeploy: { id: 'dep-987654321', status: 'SUCCESS' } },
        DeploymentStatus: { deployment: { id: 'dep-123456789', status: 'SUCCESS' } },
        ProjectTokenScope: { projectToken: { projectId: 'proj-1', environmentId: 'env-1' } },
      };
      if (operation === 'DeploymentRestart' || operation === 'DeploymentRedeploy') options.onRestart?.();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { ...(data[operation] as object) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql/v2`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

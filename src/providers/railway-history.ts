/**
 * Railway forensics and rollback (docs/recovery.md), every document validated against the vendored schema
 * (`test/providers/railway-schema.test.ts`):
 * - `deployments(first, input: { serviceId, environmentId })` → `{ id status createdAt canRollback meta }`;
 *   `meta` is the opaque `DeploymentMeta` scalar; for GitHub deploys it carries `commitHash` and `commitMessage`.
 * - `deploymentLogs(deploymentId, endDate, limit)` → `[Log!]!` (`timestamp message severity`).
 * - `deploymentRollback(id: String!): Boolean!` rolls the service back to deployment `id`.
 */
import * as z from 'zod/mini';
import { gql, type RailwayAuth } from './railway-api.js';
import { providerError, type CallSite } from './http.js';
import { cleanLogLines, logLimit } from './logs.js';
import type {
  ActionResult,
  Deployment,
  DeploymentHistory,
  LogLine,
  LogsOptions,
  ProviderContext,
  RollbackOptions,
  ProviderService,
} from './types.js';

/** The service instance's recent deployments (Railway lists them newest first). */
export const SERVICE_DEPLOYMENTS = /* GraphQL */ `
  query ServiceDeployments($first: Int!, $serviceId: String!, $environmentId: String!) {
    deployments(first: $first, input: { serviceId: $serviceId, environmentId: $environmentId }) {
      edges {
        node {
          id
          status
          createdAt
          canRollback
          meta
        }
      }
    }
  }
`;

/** The last `limit` log lines of a deployment before `endDate`. */
export const DEPLOYMENT_LOGS = /* GraphQL */ `
  query DeploymentLogs($deploymentId: String!, $endDate: DateTime, $limit: Int) {
    deploymentLogs(deploymentId: $deploymentId, endDate: $endDate, limit: $limit) {
      timestamp
      message
      severity
    }
  }
`;

/** Rolls the service back to deployment `id` (returns Boolean!, no subselection). */
export const DEPLOYMENT_ROLLBACK = /* GraphQL */ `
  mutation DeploymentRollback($id: String!) {
    deploymentRollback(id: $id)
  }
`;

/** The documents of this file, for the schema test. */
export const RAILWAY_HISTORY_DOCUMENTS = {
  SERVICE_DEPLOYMENTS,
  DEPLOYMENT_LOGS,
  DEPLOYMENT_ROLLBACK,
} as const;

const commitMeta = z.looseObject({
  commitHash: z.optional(z.unknown()),
  commitMessage: z.optional(z.unknown()),
});
const HISTORY_DATA = {
  SERVICE_DEPLOYMENTS: z.object({
    deployments: z.object({
      edges: z.array(
        z.object({
          node: z.looseObject({
            id: z.string(),
            status: z.string(),
            createdAt: z.string(),
            canRollback: z.boolean(),
            meta: z.optional(z.unknown()),
          }),
        }),
      ),
    }),
  }),
  DEPLOYMENT_LOGS: z.object({
    deploymentLogs: z.array(
      z.looseObject({ timestamp: z.string(), message: z.string(), severity: z.nullish(z.string()) }),
    ),
  }),
  DEPLOYMENT_ROLLBACK: z.object({ deploymentRollback: z.boolean() }),
};

/** Statuses of a deployment that once ran: SUCCESS/SLEEPING, or REMOVED after a newer one replaced it. */
const RAN = new Set(['SUCCESS', 'SLEEPING', 'REMOVED']);

/** Where a Railway service instance is, resolved by the provider. */
export interface RailwayTarget {
  auth: RailwayAuth;
  environmentId: string;
  serviceId: string;
}

/** The latest deployment and the newest earlier one that ran and Railway can roll back to. */
export async function railwayDeployments(
  ctx: ProviderContext,
  site: CallSite,
  { auth, environmentId, serviceId }: RailwayTarget,
): Promise<DeploymentHistory> {
  const data = await gql(HISTORY_DATA.SERVICE_DEPLOYMENTS, ctx, site, auth, SERVICE_DEPLOYMENTS, {
    first: 20,
    serviceId,
    environmentId,
  });
  const nodes = data.deployments.edges
    .map((e) => e.node)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const [latest, ...older] = nodes;
  const previous = older.find((d) => d.canRollback && RAN.has(d.status));
  return { latest: latest && toDeployment(latest), previousSuccessful: previous && toDeployment(previous) };
}

function toDeployment(node: { id: string; status: string; createdAt: string; meta?: unknown }): Deployment {
  const parsed = z.safeParse(commitMeta, node.meta);
  const meta = parsed.success ? parsed.data : {};
  const text = (v: unknown, max: number) => (typeof v === 'string' && v ? v.slice(0, max) : undefined);
  const commitSha = text(meta.commitHash, 64);
  const commitMessage = text(meta.commitMessage, 500);
  return {
    id: node.id,
    status: node.status,
    createdAt: node.createdAt,
    ...(commitSha ? { commitSha } : {}),
    ...(commitMessage ? { commitMessage } : {}),
  };
}

/** The last lines of a deployment before `options.before`, redacted, oldest first. */
export async function railwayLogs(
  ctx: ProviderContext,
  site: CallSite,
  auth: RailwayAuth,
  options: LogsOptions,
): Promise<LogLine[]> {
  const data = await gql(HISTORY_DATA.DEPLOYMENT_LOGS, ctx, site, auth, DEPLOYMENT_LOGS, {
    deploymentId: options.deploymentId,
    endDate: options.before ?? null,
    limit: logLimit(options),
  });
  const lines = data.deploymentLogs.map((l) => ({
    timestamp: l.timestamp,
    message: l.message,
    severity: l.severity ?? undefined,
  }));
  return cleanLogLines(lines, ctx, options, [auth.token]);
}

/** Rolls back to `toDeploymentId` or the previous successful deployment; `dryRun` only names it. */
export async function railwayRollback(
  ctx: ProviderContext,
  service: ProviderService,
  target: RailwayTarget,
  options: RollbackOptions = {},
): Promise<ActionResult> {
  const site: CallSite = { service, provider: 'railway', operation: 'rollback' };
  let to = options.toDeploymentId;
  let what = to ? `deployment ${to}` : '';
  if (!to) {
    const history = await railwayDeployments(ctx, site, target);
    const previous = history.previousSuccessful;
    if (!previous) {
      throw providerError(
        site,
        `no earlier deployment of service ${target.serviceId} that Railway can roll back to`,
        'Pass the deployment to roll back to, or redeploy instead.',
        { env: ctx.env },
      );
    }
    to = previous.id;
    what = `deployment ${previous.id}${previous.commitSha ? ` (commit ${previous.commitSha.slice(0, 7)})` : ''}`;
  }
  if (options.dryRun) return { ok: true, detail: `would roll back to Railway ${what}`, deploymentId: to };
  const data = await gql(HISTORY_DATA.DEPLOYMENT_ROLLBACK, ctx, site, target.auth, DEPLOYMENT_ROLLBACK, {
    id: to,
  });
  if (!data.deploymentRollback) {
    throw providerError(
      site,
      `Railway declined to roll back to deployment ${to}`,
      'Open the deployment in the Railway dashboard and check it can be rolled back (canRollback).',
      { env: ctx.env },
    );
  }
  return { ok: true, detail: `Railway rolled back to ${what}`, deploymentId: to };
}

/**
 * Railway's public GraphQL API: the documents we send (each validated in the test suite against
 * `schemas/railway/schema.json`), the token kinds, and one `gql` call with Railway's errors
 * turned into messages that say which token is in use and what it needs.
 */
import * as z from 'zod/mini';
import { RetryableError } from '../util/retry.js';
import { describeIssues, providerError, requestJson, type CallSite } from './http.js';
import type { ProviderContext } from './types.js';

/** Default endpoint; `RAILWAY_API_URL` overrides it. */
export const RAILWAY_API_URL = 'https://backboard.railway.com/graphql/v2';

/** The scope of a project token. */
export const PROJECT_TOKEN_SCOPE = /* GraphQL */ `
  query ProjectTokenScope {
    projectToken {
      projectId
      environmentId
    }
  }
`;

/** The project a service belongs to (for the `production` environment fallback and doctor). */
export const SERVICE_PROJECT = /* GraphQL */ `
  query ServiceProject($id: String!) {
    service(id: $id) {
      id
      name
      projectId
    }
  }
`;

/** A project's environments, to find the one named `production`. */
export const PROJECT_ENVIRONMENTS = /* GraphQL */ `
  query ProjectEnvironments($id: String!) {
    project(id: $id) {
      id
      name
      environments {
        edges {
          node {
            id
            name
          }
        }
      }
    }
  }
`;

/** The service instance's latest deployment in one environment. */
export const LATEST_DEPLOYMENT = /* GraphQL */ `
  query LatestDeployment($environmentId: String!, $serviceId: String!) {
    serviceInstance(environmentId: $environmentId, serviceId: $serviceId) {
      serviceName
      latestDeployment {
        id
        status
        canRedeploy
      }
    }
  }
`;

/** One deployment's status, polled until SUCCESS. */
export const DEPLOYMENT_STATUS = /* GraphQL */ `
  query DeploymentStatus($id: String!) {
    deployment(id: $id) {
      id
      status
    }
  }
`;

/** Restarts the running deployment (same image, new process). Returns Boolean!. */
export const DEPLOYMENT_RESTART = /* GraphQL */ `
  mutation DeploymentRestart($id: String!) {
    deploymentRestart(id: $id)
  }
`;

/** Builds and deploys the deployment's source again; returns the new deployment. */
export const DEPLOYMENT_REDEPLOY = /* GraphQL */ `
  mutation DeploymentRedeploy($id: String!) {
    deploymentRedeploy(id: $id) {
      id
      status
    }
  }
`;

/** Redeploys a service instance that has no deployment to redeploy. Returns Boolean!. */
export const SERVICE_INSTANCE_REDEPLOY = /* GraphQL */ `
  mutation ServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {
    serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)
  }
`;

/** Every document the project sends to Railway, for the schema test. */
export const RAILWAY_DOCUMENTS = {
  PROJECT_TOKEN_SCOPE,
  SERVICE_PROJECT,
  PROJECT_ENVIRONMENTS,
  LATEST_DEPLOYMENT,
  DEPLOYMENT_STATUS,
  DEPLOYMENT_RESTART,
  DEPLOYMENT_REDEPLOY,
  SERVICE_INSTANCE_REDEPLOY,
} as const;

/** Which token is in use and how it is sent. */
export interface RailwayAuth {
  kind: 'project' | 'bearer';
  /** The variable it came from. */
  envName: 'RAILWAY_TOKEN' | 'RAILWAY_API_TOKEN' | 'LEGACY_TOKEN';
  token: string;
  /** A project token's scope, when known. */
  scope?: { projectId: string; environmentId: string };
}

export function authHeaders(auth: Pick<RailwayAuth, 'kind' | 'token'>): Record<string, string> {
  return auth.kind === 'project'
    ? { 'Project-Access-Token': auth.token }
    : { Authorization: `Bearer ${auth.token}` };
}

export const TOKEN_HELP =
  "Set RAILWAY_TOKEN to a project token (project → Settings → Tokens, created in the service's environment) " +
  'or RAILWAY_API_TOKEN to an account or workspace token (railway.com/account/tokens).';

/** What a `Not Authorized` means for this token kind. */
export function notAuthorizedFix(auth: RailwayAuth): string {
  if (auth.kind === 'project') {
    const scope = auth.scope
      ? ` (it is scoped to environment ${auth.scope.environmentId} of project ${auth.scope.projectId})`
      : '';
    return (
      `${auth.envName} is a project token${scope}: it only works for services in the environment it was created in. ` +
      "Set recovery.environmentId to that environment, create a project token in the service's environment, " +
      'or use RAILWAY_API_TOKEN (account or workspace token).'
    );
  }
  return (
    `${auth.envName} is sent as an account/workspace token (Authorization: Bearer) and Railway refused it: it is invalid, ` +
    'expired, or its workspace does not own this service. Create one at railway.com/account/tokens for the workspace ' +
    'that owns the project, or use a project token in RAILWAY_TOKEN.'
  );
}

/** The envelope of every GraphQL answer; `data` is parsed by each call's own schema. */
const graphqlAnswer = z.looseObject({
  data: z.optional(z.nullable(z.unknown())),
  errors: z.optional(
    z.array(z.looseObject({ message: z.optional(z.string()), extensions: z.optional(z.unknown()) })),
  ),
});

const node = z.looseObject({ id: z.string(), name: z.string() });
const deploymentRef = z.looseObject({ id: z.string(), status: z.string() });
/** The `data` of each document, as the vendored schema types it (only the fields we select). */
export const RAILWAY_DATA = {
  PROJECT_TOKEN_SCOPE: z.object({
    projectToken: z.object({ projectId: z.string(), environmentId: z.string() }),
  }),
  SERVICE_PROJECT: z.object({
    service: z.object({ id: z.string(), name: z.string(), projectId: z.string() }),
  }),
  PROJECT_ENVIRONMENTS: z.object({
    project: z.object({
      id: z.string(),
      name: z.string(),
      environments: z.object({ edges: z.array(z.object({ node })) }),
    }),
  }),
  LATEST_DEPLOYMENT: z.object({
    serviceInstance: z.object({
      serviceName: z.optional(z.string()),
      latestDeployment: z.nullable(
        z.looseObject({ id: z.string(), status: z.string(), canRedeploy: z.boolean() }),
      ),
    }),
  }),
  DEPLOYMENT_STATUS: z.object({
    deployment: z.looseObject({ id: z.optional(z.string()), status: z.string() }),
  }),
  DEPLOYMENT_RESTART: z.object({ deploymentRestart: z.boolean() }),
  DEPLOYMENT_REDEPLOY: z.object({ deploymentRedeploy: deploymentRef }),
  SERVICE_INSTANCE_REDEPLOY: z.object({ serviceInstanceRedeploy: z.boolean() }),
};

/** Thrown for Railway's GraphQL errors; `notAuthorized` / `notFound` let callers (doctor) tell cases apart. */
export function isNotAuthorized(message: string): boolean {
  return /not authori[sz]ed|unauthori[sz]ed|forbidden/i.test(message);
}

/** A GraphQL error as the provider's error: its message (bounded), and the fix it points at. */
function graphqlError(
  text: string | undefined,
  site: CallSite,
  auth: RailwayAuth,
  ctx: ProviderContext,
  fixFor: (message: string) => string | undefined,
): Error {
  const message = (text ?? 'unknown GraphQL error').slice(0, 300);
  const auth401 = isNotAuthorized(message);
  const fix =
    fixFor(message) ??
    (auth401
      ? notAuthorizedFix(auth)
      : /not found/i.test(message)
        ? 'Check recovery.serviceId (Railway dashboard → service → Settings → Service ID) and environmentId.'
        : "Check the service's recovery settings; if they are right, retry later.");
  return providerError(site, message, fix, { auth: auth401, secrets: [auth.token], env: ctx.env });
}

/** Sends one document; GraphQL errors become ProviderErrors with the fix, rate-limit errors are retried. */
export async function gql<S extends z.ZodMiniType>(
  schema: S,
  ctx: ProviderContext,
  site: CallSite,
  auth: Pick<RailwayAuth, 'kind' | 'token'> & Partial<RailwayAuth>,
  query: string,
  variables: Record<string, unknown> = {},
  fixFor: (message: string) => string | undefined = () => undefined,
): Promise<z.output<S>> {
  const url = ctx.env.RAILWAY_API_URL || RAILWAY_API_URL;
  const envName = auth.envName ?? (auth.kind === 'project' ? 'RAILWAY_TOKEN' : 'RAILWAY_API_TOKEN');
  const full: RailwayAuth = { envName, ...auth };
  const { body } = await requestJson(graphqlAnswer, ctx, {
    ...site,
    url,
    method: 'POST',
    headers: authHeaders(auth),
    body: { query, variables },
    tokenEnv: envName,
    urlEnv: 'RAILWAY_API_URL',
    secrets: [auth.token],
    fix: (f) => (f.status === 401 || f.status === 403 ? notAuthorizedFix(full) : undefined),
    inspect: (answer) => {
      const parsed = z.safeParse(graphqlAnswer, answer);
      const message = (parsed.success && parsed.data.errors?.[0]?.message) || '';
      if (/rate limit/i.test(message)) throw new RetryableError(`Railway: ${message}`, 429);
    },
  });
  const first = body.errors?.[0];
  if (first) throw graphqlError(first.message, site, full, ctx, fixFor);
  if (body.data === undefined || body.data === null) {
    throw providerError(
      site,
      'Railway answered without data',
      'Check RAILWAY_API_URL points at the GraphQL endpoint.',
      {
        env: ctx.env,
      },
    );
  }
  const data = z.safeParse(schema, body.data);
  if (!data.success) {
    throw providerError(
      site,
      `unexpected answer: data.${describeIssues(data.error.issues)}`,
      'Check RAILWAY_API_URL points at the Railway GraphQL API; if it does, Railway changed its schema: report this.',
      { env: ctx.env, secrets: [auth.token] },
    );
  }
  return data.data;
}

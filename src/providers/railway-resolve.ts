/**
 * Finding what to act on at Railway: which token (and its kind), which environment, which deployment.
 */
import { ProviderError, type ProviderContext, type ProviderService } from './types.js';
import { providerError, type CallSite } from './http.js';
import {
  LATEST_DEPLOYMENT,
  PROJECT_ENVIRONMENTS,
  PROJECT_TOKEN_SCOPE,
  SERVICE_PROJECT,
  TOKEN_HELP,
  RAILWAY_DATA,
  gql,
  type RailwayAuth,
} from './railway-api.js';

export interface LatestDeployment {
  id: string;
  status: string;
  canRedeploy: boolean;
}

/** Which token to use: RAILWAY_TOKEN (project), RAILWAY_API_TOKEN (bearer), then LEGACY_TOKEN (probed). */
export async function resolveAuth(ctx: ProviderContext, site: CallSite): Promise<RailwayAuth> {
  const { RAILWAY_TOKEN, RAILWAY_API_TOKEN, LEGACY_TOKEN } = ctx.env;
  if (RAILWAY_TOKEN) return { kind: 'project', envName: 'RAILWAY_TOKEN', token: RAILWAY_TOKEN };
  if (RAILWAY_API_TOKEN) return { kind: 'bearer', envName: 'RAILWAY_API_TOKEN', token: RAILWAY_API_TOKEN };
  if (LEGACY_TOKEN) {
    // The seed's variable held either kind: it is a project token exactly when `projectToken` answers.
    const asProject: RailwayAuth = { kind: 'project', envName: 'LEGACY_TOKEN', token: LEGACY_TOKEN };
    try {
      const scope = await projectTokenScope(ctx, site, asProject);
      return { ...asProject, scope };
    } catch (error: unknown) {
      if (error instanceof ProviderError && error.details.auth) {
        return { kind: 'bearer', envName: 'LEGACY_TOKEN', token: LEGACY_TOKEN };
      }
      throw error;
    }
  }
  throw providerError(site, 'no Railway token', TOKEN_HELP, { auth: true });
}

/** The project and environment a project token is scoped to. */
export async function projectTokenScope(
  ctx: ProviderContext,
  site: CallSite,
  auth: RailwayAuth,
): Promise<{ projectId: string; environmentId: string }> {
  const data = await gql(RAILWAY_DATA.PROJECT_TOKEN_SCOPE, ctx, site, auth, PROJECT_TOKEN_SCOPE);
  return data.projectToken;
}

/** The service's environment: config `environmentId`, else the project token's scope, else `production`. */
export async function resolveEnvironment(
  ctx: ProviderContext,
  site: CallSite,
  service: ProviderService,
  auth: RailwayAuth,
): Promise<{ environmentId: string; source: string }> {
  const recovery = railwayRecovery(service, site);
  if (recovery.environmentId)
    return { environmentId: recovery.environmentId, source: 'recovery.environmentId' };
  if (auth.kind === 'project') {
    auth.scope ??= await projectTokenScope(ctx, site, auth);
    return { environmentId: auth.scope.environmentId, source: `the scope of ${auth.envName}` };
  }
  let projectId = recovery.projectId;
  if (!projectId) {
    const data = await gql(RAILWAY_DATA.SERVICE_PROJECT, ctx, site, auth, SERVICE_PROJECT, {
      id: recovery.serviceId,
    });
    projectId = data.service.projectId;
  }
  const data = await gql(RAILWAY_DATA.PROJECT_ENVIRONMENTS, ctx, site, auth, PROJECT_ENVIRONMENTS, {
    id: projectId,
  });
  const environments = data.project.environments.edges.map((e) => e.node);
  const production =
    environments.find((e) => e.name === 'production') ??
    environments.find((e) => e.name.toLowerCase() === 'production');
  if (production) return { environmentId: production.id, source: 'the project\'s "production" environment' };
  const found = environments.map((e) => `${e.name} (${e.id})`).join(', ') || 'none';
  throw providerError(
    site,
    `cannot tell which environment: project "${data.project.name}" has no environment named production (found: ${found})`,
    'Set recovery.environmentId to the environment to restart (Railway dashboard → environment switcher; the ID is in the URL), ' +
      'or use a project token (RAILWAY_TOKEN) created in that environment.',
    { secrets: [auth.token], env: ctx.env },
  );
}

/** The service instance's latest deployment (null when it was never deployed). */
export async function latestDeployment(
  ctx: ProviderContext,
  site: CallSite,
  auth: RailwayAuth,
  environmentId: string,
  serviceId: string,
): Promise<LatestDeployment | null> {
  const data = await gql(
    RAILWAY_DATA.LATEST_DEPLOYMENT,
    ctx,
    site,
    auth,
    LATEST_DEPLOYMENT,
    { environmentId, serviceId },
    (message) =>
      /not found/i.test(message)
        ? `Service ${serviceId} has no instance in environment ${environmentId}; check recovery.serviceId and recovery.environmentId.`
        : undefined,
  );
  return data.serviceInstance.latestDeployment;
}

/** The railway part of a service's recovery config; throws when the service is not on Railway. */
export function railwayRecovery(service: ProviderService, site: CallSite) {
  const recovery = service.recovery;
  if (recovery?.provider !== 'railway') {
    throw providerError(
      site,
      'not a Railway service',
      'Set recovery.provider: railway and recovery.serviceId.',
    );
  }
  return recovery;
}

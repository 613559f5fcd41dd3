/**
 * Railway's read-only checks for `uptime-action doctor`: the seed's troubleshooting list (token valid?
 * service ID right? permission to restart/redeploy?) as queries. Never sends a mutation.
 */
import { ProviderError, type DoctorCheck, type ProviderContext, type ProviderService } from './types.js';
import type { CallSite } from './http.js';
import {
  RAILWAY_API_URL,
  RAILWAY_DATA,
  SERVICE_PROJECT,
  TOKEN_HELP,
  gql,
  notAuthorizedFix,
  type RailwayAuth,
} from './railway-api.js';
import {
  latestDeployment,
  projectTokenScope,
  railwayRecovery,
  resolveAuth,
  resolveEnvironment,
} from './railway-resolve.js';

const KIND = {
  project: 'project token, Project-Access-Token',
  bearer: 'account/workspace token, Bearer',
} as const;

/** Runs the checks in order and stops at the first one the others depend on. */
export async function railwayDoctor(service: ProviderService, ctx: ProviderContext): Promise<DoctorCheck[]> {
  return explainUnreachable(await railwayChecks(service, ctx), ctx);
}

/**
 * When Railway could not be reached at all, the rows after it say nothing about the token or the service:
 * one row names the endpoint, the network cause (ECONNREFUSED, ENOTFOUND, a timeout) and the fix instead.
 */
function explainUnreachable(checks: DoctorCheck[], ctx: ProviderContext): DoctorCheck[] {
  const failure = checks.find((c) => !c.ok && /^cannot reach |^no answer within /.test(c.detail));
  if (!failure) return checks;
  const url = ctx.env.RAILWAY_API_URL || RAILWAY_API_URL;
  const cause =
    /\b(E[A-Z]{3,})\b/.exec(failure.detail)?.[1] ?? failure.detail.replace(/^cannot reach [^:]+: /, '');
  const kept = checks.filter((c) => c.ok && c.check === 'token present');
  return [
    ...kept,
    {
      check: 'Railway API reachable',
      ok: false,
      detail: `could not reach Railway at ${url} (${cause})`,
      fix: 'check RAILWAY_API_URL or your network',
    },
  ];
}

async function railwayChecks(service: ProviderService, ctx: ProviderContext): Promise<DoctorCheck[]> {
  const site: CallSite = { service, provider: 'railway', operation: 'doctor' };
  const checks: DoctorCheck[] = [];
  const { serviceId } = railwayRecovery(service, site);

  if (!ctx.env.RAILWAY_TOKEN && !ctx.env.RAILWAY_API_TOKEN && !ctx.env.LEGACY_TOKEN) {
    checks.push({
      check: 'token present',
      ok: false,
      detail: 'no RAILWAY_TOKEN, RAILWAY_API_TOKEN or LEGACY_TOKEN',
      fix: TOKEN_HELP,
    });
    return checks;
  }
  let auth: RailwayAuth;
  try {
    auth = await resolveAuth(ctx, site);
  } catch (error: unknown) {
    checks.push(failed('token present', error));
    return checks;
  }
  checks.push({ check: 'token present', ok: true, detail: `${auth.envName} (${KIND[auth.kind]})` });

  if (auth.kind === 'project') {
    try {
      auth.scope ??= await projectTokenScope(ctx, site, auth);
      checks.push({
        check: 'token accepted',
        ok: true,
        detail: `scoped to project ${auth.scope.projectId}, environment ${auth.scope.environmentId}`,
      });
    } catch (error: unknown) {
      checks.push(failed('token accepted', error, 'Railway refused it as a project token. ' + TOKEN_HELP));
      return checks;
    }
  }

  try {
    const data = await gql(RAILWAY_DATA.SERVICE_PROJECT, ctx, site, auth, SERVICE_PROJECT, { id: serviceId });
    if (auth.kind === 'bearer')
      checks.push({ check: 'token accepted', ok: true, detail: 'Railway answered as Bearer' });
    checks.push({
      check: 'service ID exists',
      ok: true,
      detail: `${serviceId} is "${data.service.name}" in project ${data.service.projectId}`,
    });
  } catch (error: unknown) {
    const auth401 = error instanceof ProviderError && error.details.auth;
    if (auth.kind === 'bearer' && auth401) {
      checks.push(failed('token accepted', error, notAuthorizedFix(auth)));
      return checks;
    }
    if (auth.kind === 'bearer')
      checks.push({ check: 'token accepted', ok: true, detail: 'Railway answered as Bearer' });
    checks.push(
      failed(
        'service ID exists',
        error,
        `Check recovery.serviceId (Railway dashboard → service → Settings; the ID is also in the URL after /service/)` +
          (auth401 ? ` and that ${auth.envName} belongs to the service's project.` : '.'),
      ),
    );
    return checks;
  }

  let environmentId: string;
  try {
    const env = await resolveEnvironment(ctx, site, service, auth);
    environmentId = env.environmentId;
    checks.push({
      check: 'environment resolvable',
      ok: true,
      detail: `${environmentId} (from ${env.source})`,
    });
  } catch (error: unknown) {
    checks.push(failed('environment resolvable', error));
    return checks;
  }

  try {
    const latest = await latestDeployment(ctx, site, auth, environmentId, serviceId);
    if (!latest) {
      checks.push({
        check: 'deployment to restart',
        ok: false,
        detail: `no deployment in environment ${environmentId}`,
        fix: 'Deploy the service once in Railway; until then only redeploy can start it (add redeploy to recovery.actions).',
      });
      return checks;
    }
    checks.push({ check: 'deployment to restart', ok: true, detail: `${latest.id} (${latest.status})` });
    const outOfScope = auth.kind === 'project' && auth.scope && auth.scope.environmentId !== environmentId;
    checks.push(
      outOfScope
        ? {
            check: 'may restart/redeploy',
            ok: false,
            detail: `the token's environment is ${auth.scope?.environmentId}`,
            fix: notAuthorizedFix(auth),
          }
        : latest.canRedeploy
          ? {
              check: 'may restart/redeploy',
              ok: true,
              detail: `Railway reports canRedeploy for ${auth.envName}`,
            }
          : {
              check: 'may restart/redeploy',
              ok: false,
              detail: `Railway reports canRedeploy: false for ${auth.envName}`,
              fix: 'Use a token of a workspace member allowed to deploy (or a project token of this environment).',
            },
    );
  } catch (error: unknown) {
    checks.push(failed('deployment to restart', error));
  }
  return checks;
}

function failed(check: string, error: unknown, fix?: string): DoctorCheck {
  if (error instanceof ProviderError) {
    const cause = /failed \((.*?)\)\. /.exec(error.message)?.[1] ?? error.message;
    return { check, ok: false, detail: cause, fix: fix ?? error.details.fix };
  }
  return { check, ok: false, detail: error instanceof Error ? error.message : String(error), fix };
}

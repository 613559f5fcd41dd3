/**
 * Railway: restart (`deploymentRestart` of the latest deployment) and redeploy (`deploymentRedeploy`, or
 * `serviceInstanceRedeploy` when there is no deployment), then follow the deployment until SUCCESS.
 * Never sends a second restart while a deployment is still in progress: it follows that one instead.
 */
import * as z from 'zod/mini';
import { type RecoveryAction, defineProvider, nonEmpty, recoveryActions } from './descriptor.js';
import type { ActionResult, Provider, ProviderContext, ProviderTiming, ProviderService } from './types.js';
import { formatMs, providerError, timingOf, type CallSite } from './http.js';
import { follow, type FollowResult } from './follow.js';
import {
  DEPLOYMENT_REDEPLOY,
  DEPLOYMENT_RESTART,
  DEPLOYMENT_STATUS,
  SERVICE_INSTANCE_REDEPLOY,
  RAILWAY_DATA,
  gql,
  type RailwayAuth,
  TOKEN_HELP,
} from './railway-api.js';
import { latestDeployment, railwayRecovery, resolveAuth, resolveEnvironment } from './railway-resolve.js';
import { railwayDoctor } from './railway-doctor.js';
import { railwayDeployments, railwayLogs, railwayRollback, type RailwayTarget } from './railway-history.js';

/** Deployment states that mean "still on its way": follow, don't act again. */
export const IN_PROGRESS = new Set(['BUILDING', 'DEPLOYING', 'INITIALIZING', 'QUEUED', 'WAITING']);
/** Deployment states that end a follow as a failure. */
export const FAILED = new Set(['FAILED', 'CRASHED', 'REMOVED', 'REMOVING', 'SKIPPED', 'NEEDS_APPROVAL']);
/** Deployment states that end a follow as a success (a sleeping service wakes on its next request). */
export const DONE = new Set(['SUCCESS', 'SLEEPING']);

/** Creates the Railway provider; `timing` sets defaults that `ctx.timing` can still override. */
export function createRailwayProvider(timing: ProviderTiming = {}): Provider {
  // Actions in flight in this process, per service instance: a second caller joins instead of acting again.
  const inFlight = new Map<string, Promise<ActionResult>>();
  const act = async (
    action: RecoveryAction,
    service: ProviderService,
    ctx: ProviderContext,
  ): Promise<ActionResult> => {
    const site: CallSite = { service, provider: 'railway', operation: action };
    const { serviceId } = railwayRecovery(service, site);
    const auth = await resolveAuth(ctx, site);
    const { environmentId } = await resolveEnvironment(ctx, site, service, auth);
    const key = `${serviceId}@${environmentId}`;
    const running = inFlight.get(key);
    if (running) {
      const joined = await running;
      return {
        ...joined,
        detail: `a recovery of this service was already running, so no second ${action} was sent; joined it: ${joined.detail}`,
      };
    }
    const work = carryOut(action, ctx, site, auth, environmentId, serviceId);
    inFlight.set(key, work);
    try {
      return await work;
    } finally {
      inFlight.delete(key);
    }
  };

  const carryOut = async (
    action: RecoveryAction,
    ctx: ProviderContext,
    site: CallSite,
    auth: RailwayAuth,
    environmentId: string,
    serviceId: string,
  ): Promise<ActionResult> => {
    const latest = await latestDeployment(ctx, site, auth, environmentId, serviceId);
    const t = timingOf(ctx, timing);
    const followIt = (id: string, graceMs = 0) =>
      follow(ctx, () => deploymentState(ctx, site, auth, id), {
        intervalMs: t.pollIntervalMs,
        deadlineMs: t.deadlineMs,
        graceMs,
      });

    if (latest && IN_PROGRESS.has(latest.status)) {
      const result = await followIt(latest.id);
      return outcome(
        result,
        latest.id,
        `deployment ${short(latest.id)} was already ${latest.status}, so no second ${action} was sent; followed it`,
      );
    }
    if (action === 'restart') {
      if (!latest) {
        throw providerError(
          site,
          `service ${serviceId} has no deployment in environment ${environmentId}`,
          'Deploy it once in Railway, or add redeploy to recovery.actions (redeploy also works without a deployment).',
          { env: ctx.env },
        );
      }
      const data = await gql(RAILWAY_DATA.DEPLOYMENT_RESTART, ctx, site, auth, DEPLOYMENT_RESTART, {
        id: latest.id,
      });
      if (!data.deploymentRestart) {
        throw providerError(
          site,
          `Railway declined to restart deployment ${latest.id}`,
          'Open the deployment in the Railway dashboard; redeploy if it cannot restart.',
          {
            env: ctx.env,
          },
        );
      }
      // Right after the call Railway may still report the crash that caused the restart.
      const result = await followIt(
        latest.id,
        FAILED.has(latest.status) ? Math.min(30_000, t.deadlineMs) : 0,
      );
      return outcome(result, latest.id, `deployment ${short(latest.id)} restarted`);
    }
    if (latest) {
      const data = await gql(RAILWAY_DATA.DEPLOYMENT_REDEPLOY, ctx, site, auth, DEPLOYMENT_REDEPLOY, {
        id: latest.id,
      });
      const fresh = data.deploymentRedeploy;
      return outcome(
        await followIt(fresh.id),
        fresh.id,
        `deployment ${short(latest.id)} redeployed as ${short(fresh.id)}`,
      );
    }
    await gql(RAILWAY_DATA.SERVICE_INSTANCE_REDEPLOY, ctx, site, auth, SERVICE_INSTANCE_REDEPLOY, {
      environmentId,
      serviceId,
    });
    const created = await latestDeployment(ctx, site, auth, environmentId, serviceId);
    if (!created)
      return { ok: true, detail: `service instance redeploy requested; no deployment to follow yet` };
    return outcome(
      await followIt(created.id),
      created.id,
      `service instance redeployed as ${short(created.id)}`,
    );
  };

  return {
    type: 'railway',
    restart: (service, ctx) => act('restart', service, ctx),
    redeploy: (service, ctx) => act('redeploy', service, ctx),
    async status(service, ctx) {
      const site: CallSite = { service, provider: 'railway', operation: 'status' };
      const auth = await resolveAuth(ctx, site);
      const { environmentId } = await resolveEnvironment(ctx, site, service, auth);
      const latest = await latestDeployment(
        ctx,
        site,
        auth,
        environmentId,
        railwayRecovery(service, site).serviceId,
      );
      return latest
        ? { state: latest.status, detail: `latest deployment ${short(latest.id)} is ${latest.status}` }
        : { state: 'NONE', detail: 'no deployment yet' };
    },
    doctor: (service, ctx) => railwayDoctor(service, ctx),
    async deployments(service, ctx) {
      const site: CallSite = { service, provider: 'railway', operation: 'deployments' };
      return railwayDeployments(ctx, site, await target(service, ctx, site));
    },
    async logs(service, ctx, options) {
      const site: CallSite = { service, provider: 'railway', operation: 'logs' };
      return railwayLogs(ctx, site, await resolveAuth(ctx, site), options);
    },
    async rollback(service, ctx, options = {}) {
      const site: CallSite = { service, provider: 'railway', operation: 'rollback' };
      const where = await target(service, ctx, site);
      const result = await railwayRollback(ctx, service, where, options);
      if (options.dryRun) return result;
      // The rollback is a new deployment: follow it like a restart, so "done" means it is live.
      const created = await latestDeployment(ctx, site, where.auth, where.environmentId, where.serviceId);
      if (!created) return result;
      const t = timingOf(ctx, timing);
      const followed = await follow(ctx, () => deploymentState(ctx, site, where.auth, created.id), {
        intervalMs: t.pollIntervalMs,
        deadlineMs: t.deadlineMs,
      });
      return outcome(followed, created.id, `${result.detail} as deployment ${short(created.id)}`);
    },
  };
}

async function target(
  service: ProviderService,
  ctx: ProviderContext,
  site: CallSite,
): Promise<RailwayTarget> {
  const { serviceId } = railwayRecovery(service, site);
  const auth = await resolveAuth(ctx, site);
  const { environmentId } = await resolveEnvironment(ctx, site, service, auth);
  return { auth, environmentId, serviceId };
}

async function deploymentState(ctx: ProviderContext, site: CallSite, auth: RailwayAuth, id: string) {
  const data = await gql(RAILWAY_DATA.DEPLOYMENT_STATUS, ctx, site, auth, DEPLOYMENT_STATUS, { id });
  const state = data.deployment.status;
  return { state, done: DONE.has(state), failed: FAILED.has(state) };
}

function outcome(result: FollowResult, deploymentId: string, what: string): ActionResult {
  const took = `${result.polls} poll(s), ${formatMs(result.elapsedMs)}`;
  if (result.outcome === 'done')
    return { ok: true, detail: `${what} (${result.state}, ${took})`, deploymentId };
  if (result.outcome === 'failed')
    return { ok: false, detail: `${what} but it ended ${result.state} (${took})`, deploymentId };
  return {
    ok: false,
    detail: `${what} but it was still ${result.state} at the deadline (${took}); it may still finish`,
    deploymentId,
  };
}

function short(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** The Railway descriptor: `recovery: { provider: railway, serviceId, environmentId?, projectId? }`. */
export const railway = defineProvider({
  type: 'railway',
  displayName: 'Railway',
  configSchema: z.strictObject({
    provider: z.literal('railway'),
    serviceId: nonEmpty,
    environmentId: z.optional(nonEmpty),
    projectId: z.optional(nonEmpty),
    actions: z.optional(recoveryActions),
  }),
  defaultActions: () => ['restart', 'redeploy'],
  secretEnv: ['RAILWAY_TOKEN', 'RAILWAY_API_TOKEN', 'LEGACY_TOKEN'],
  hints: { token: TOKEN_HELP },
  create: createRailwayProvider,
});

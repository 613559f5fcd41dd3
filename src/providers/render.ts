/**
 * Render (https://api-docs.render.com): restart `POST /services/{id}/restart`; redeploy
 * `POST /services/{id}/deploys`, followed through `GET /services/{id}/deploys/{deployId}` until `live`.
 * Token: `RENDER_API_KEY` (Bearer). Endpoint: `RENDER_API_URL` (default `https://api.render.com/v1`).
 */
import * as z from 'zod/mini';
import { defineProvider, nonEmpty, recoveryActions, type RecoveryAction } from './descriptor.js';
import type {
  ActionResult,
  DoctorCheck,
  Provider,
  ProviderContext,
  ProviderTiming,
  ProviderService,
} from './types.js';
import { ProviderError } from './types.js';
import {
  anyAnswer,
  formatMs,
  providerError,
  requestJson,
  timingOf,
  type CallSite,
  type HttpRequest,
} from './http.js';
import { follow } from './follow.js';
import { renderDeployments, renderRollback } from './render-history.js';

/** Default endpoint; `RENDER_API_URL` overrides it. */
export const RENDER_API_URL = 'https://api.render.com/v1';
/** Deploy states that end a follow as a failure. */
export const RENDER_FAILED = new Set([
  'build_failed',
  'update_failed',
  'canceled',
  'pre_deploy_failed',
  'deactivated',
]);

const TOKEN_FIX = 'Set RENDER_API_KEY to an API key (Render dashboard → Account Settings → API Keys).';

/** A deploy as Render answers it (`GET /services/{id}/deploys/{deployId}`); extra keys are kept. */
export const renderDeploy = z.looseObject({ id: z.string(), status: z.optional(z.string()) });
const renderDeployState = z.looseObject({ id: z.optional(z.string()), status: z.string() });
/** A service (`GET /services/{id}`): `suspended` is `suspended` or `not_suspended`. */
const renderService = z.looseObject({ name: z.optional(z.string()), suspended: z.optional(z.string()) });

/** Creates the Render provider; `timing` sets defaults that `ctx.timing` can still override. */
export function createRenderProvider(timing: ProviderTiming = {}): Provider {
  const act = async (
    action: RecoveryAction,
    service: ProviderService,
    ctx: ProviderContext,
  ): Promise<ActionResult> => {
    const site: CallSite = { service, provider: 'render', operation: action };
    const id = serviceIdOf(service, site);
    const call = renderCall(ctx, site, id);
    if (action === 'restart') {
      await call(anyAnswer, { method: 'POST', path: `/services/${encodeURIComponent(id)}/restart` });
      return { ok: true, detail: `Render restarted service ${id}` };
    }
    const { body } = await call(renderDeploy, {
      method: 'POST',
      path: `/services/${encodeURIComponent(id)}/deploys`,
      body: { clearCache: 'do_not_clear' },
    });
    const t = timingOf(ctx, timing);
    const result = await follow(
      ctx,
      async () => {
        const { body: deploy } = await call(renderDeployState, {
          path: `/services/${encodeURIComponent(id)}/deploys/${encodeURIComponent(body.id)}`,
        });
        const state = deploy.status;
        return { state, done: state === 'live', failed: RENDER_FAILED.has(state) };
      },
      { intervalMs: t.pollIntervalMs, deadlineMs: t.deadlineMs },
    );
    const took = `${result.polls} poll(s), ${formatMs(result.elapsedMs)}`;
    const what = `Render deploy ${body.id}`;
    if (result.outcome === 'done')
      return { ok: true, detail: `${what} is live (${took})`, deploymentId: body.id };
    if (result.outcome === 'failed')
      return { ok: false, detail: `${what} ended ${result.state} (${took})`, deploymentId: body.id };
    return {
      ok: false,
      detail: `${what} still ${result.state} at the deadline (${took})`,
      deploymentId: body.id,
    };
  };

  return {
    type: 'render',
    restart: (service, ctx) => act('restart', service, ctx),
    redeploy: (service, ctx) => act('redeploy', service, ctx),
    async deployments(service, ctx) {
      const site: CallSite = { service, provider: 'render', operation: 'deployments' };
      const id = serviceIdOf(service, site);
      return renderDeployments(renderCall(ctx, site, id), id);
    },
    async rollback(service, ctx, options) {
      const site: CallSite = { service, provider: 'render', operation: 'rollback' };
      const id = serviceIdOf(service, site);
      return renderRollback(renderCall(ctx, site, id), ctx, service, id, options);
    },
    async status(service, ctx) {
      const site: CallSite = { service, provider: 'render', operation: 'status' };
      const id = serviceIdOf(service, site);
      const { body } = await renderCall(
        ctx,
        site,
        id,
      )(renderService, {
        path: `/services/${encodeURIComponent(id)}`,
      });
      const state = body.suspended ?? 'unknown';
      return { state, detail: `Render service "${body.name ?? '?'}" is ${state}` };
    },
    async doctor(service, ctx) {
      const site: CallSite = { service, provider: 'render', operation: 'doctor' };
      const checks: DoctorCheck[] = [];
      if (!ctx.env.RENDER_API_KEY)
        return [{ check: 'token present', ok: false, detail: 'RENDER_API_KEY is not set', fix: TOKEN_FIX }];
      checks.push({ check: 'token present', ok: true, detail: 'RENDER_API_KEY (Bearer)' });
      const id = serviceIdOf(service, site);
      try {
        const { body } = await renderCall(
          ctx,
          site,
          id,
        )(renderService, {
          path: `/services/${encodeURIComponent(id)}`,
        });
        checks.push({ check: 'token accepted', ok: true, detail: 'Render answered' });
        checks.push({
          check: 'service ID exists',
          ok: true,
          detail: `${id} is "${body.name ?? '?'}" (${body.suspended ?? '?'})`,
        });
        // Render API keys carry their owner's full access: reading the service means restarting it is allowed.
        checks.push({
          check: 'may restart/redeploy',
          ok: true,
          detail: 'API keys have the full access of their owner',
        });
      } catch (error: unknown) {
        const status = error instanceof ProviderError ? error.details.status : undefined;
        const fix = error instanceof ProviderError ? error.details.fix : undefined;
        if (status === 401 || status === 403)
          checks.push({ check: 'token accepted', ok: false, detail: `HTTP ${status}`, fix });
        else
          checks.push({
            check: 'service ID exists',
            ok: false,
            detail: status ? `HTTP ${status}` : String(error),
            fix,
          });
      }
      return checks;
    },
  };
}

function renderCall(ctx: ProviderContext, site: CallSite, serviceId: string) {
  const base = (ctx.env.RENDER_API_URL || RENDER_API_URL).replace(/\/+$/, '');
  const token = ctx.env.RENDER_API_KEY;
  return async <S extends z.ZodMiniType>(
    schema: S,
    req: { path: string; method?: HttpRequest['method']; body?: unknown },
  ) => {
    if (!token) throw providerError(site, 'RENDER_API_KEY is not set', TOKEN_FIX, { auth: true });
    return requestJson(schema, ctx, {
      ...site,
      url: base + req.path,
      method: req.method,
      body: req.body,
      headers: { authorization: `Bearer ${token}` },
      tokenEnv: 'RENDER_API_KEY',
      urlEnv: 'RENDER_API_URL',
      secrets: [token],
      fix: (f) =>
        f.status === 404
          ? `Render has no service ${serviceId} visible to RENDER_API_KEY; check recovery.serviceId (srv-…, in the service's URL and Settings).`
          : undefined,
    });
  };
}

function serviceIdOf(service: ProviderService, site: CallSite): string {
  if (service.recovery?.provider !== 'render') {
    throw providerError(
      site,
      'not a Render service',
      'Set recovery.provider: render and recovery.serviceId.',
    );
  }
  return service.recovery.serviceId;
}

/** The Render descriptor: `recovery: { provider: render, serviceId: srv-… }`. */
export const render = defineProvider({
  type: 'render',
  displayName: 'Render',
  configSchema: z.strictObject({
    provider: z.literal('render'),
    serviceId: nonEmpty,
    actions: z.optional(recoveryActions),
  }),
  defaultActions: () => ['restart', 'redeploy'],
  secretEnv: ['RENDER_API_KEY'],
  hints: { token: TOKEN_FIX },
  create: createRenderProvider,
});

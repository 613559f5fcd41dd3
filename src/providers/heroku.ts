/**
 * Heroku Platform API (https://devcenter.heroku.com/articles/platform-api-reference): restart
 * `DELETE /apps/{app}/dynos` (all dynos), `DELETE /apps/{app}/dynos/{dyno}` (one dyno, e.g. `web.1`) or
 * `DELETE /apps/{app}/formations/{type}` (a process type, e.g. `web`); then list dynos until they are `up`.
 * Token: `HEROKU_API_KEY` (Bearer). Endpoint: `HEROKU_API_URL` (default `https://api.heroku.com`).
 */
import * as z from 'zod/mini';
import { defineProvider, nonEmpty, recoveryActions } from './descriptor.js';
import type {
  ActionResult,
  DoctorCheck,
  Provider,
  ProviderContext,
  ProviderTiming,
  ProviderService,
} from './types.js';
import { failedDoctorCheck } from './types.js';
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
import { herokuDeployments, herokuLogs, herokuRollback } from './heroku-history.js';

/** Default endpoint; `HEROKU_API_URL` overrides it. */
export const HEROKU_API_URL = 'https://api.heroku.com';

const TOKEN_FIX =
  'Set HEROKU_API_KEY to an API key (`heroku authorizations:create`, or Account Settings → API Key).';

/** A dyno as `GET /apps/{app}/dynos` lists it; extra keys are kept. */
export const herokuDyno = z.looseObject({ name: z.string(), type: z.string(), state: z.string() });
type Dyno = z.output<typeof herokuDyno>;
const herokuApp = z.looseObject({ name: z.optional(z.string()) });

/** Creates the Heroku provider; `timing` sets defaults that `ctx.timing` can still override. */
export function createHerokuProvider(timing: ProviderTiming = {}): Provider {
  return {
    type: 'heroku',
    async restart(service, ctx): Promise<ActionResult> {
      const site: CallSite = { service, provider: 'heroku', operation: 'restart' };
      const { app, dyno, call } = herokuCall(ctx, site, service);
      const target = !dyno
        ? `/apps/${encodeURIComponent(app)}/dynos`
        : dyno.includes('.')
          ? `/apps/${encodeURIComponent(app)}/dynos/${encodeURIComponent(dyno)}`
          : `/apps/${encodeURIComponent(app)}/formations/${encodeURIComponent(dyno)}`;
      await call(anyAnswer, { method: 'DELETE', path: target });
      const t = timingOf(ctx, timing);
      const result = await follow(
        ctx,
        async () => {
          const dynos = await listDynos(call, app, dyno);
          const notUp = dynos.filter((d) => d.state !== 'up');
          const state =
            dynos.length === 0
              ? 'no dynos'
              : notUp.length === 0
                ? 'up'
                : notUp.map((d) => `${d.name} ${d.state}`).join(', ');
          return {
            state,
            done: dynos.length > 0 && notUp.length === 0,
            failed: notUp.some((d) => d.state === 'crashed'),
          };
        },
        // Right after the restart Heroku may still list the crashed dynos it is replacing.
        { intervalMs: t.pollIntervalMs, deadlineMs: t.deadlineMs, graceMs: Math.min(30_000, t.deadlineMs) },
      );
      const what = `Heroku restarted ${dyno ?? 'all dynos'} of ${app}`;
      const took = `${result.polls} poll(s), ${formatMs(result.elapsedMs)}`;
      if (result.outcome === 'done') return { ok: true, detail: `${what}; all up (${took})` };
      if (result.outcome === 'failed') return { ok: false, detail: `${what} but: ${result.state} (${took})` };
      return { ok: false, detail: `${what} but not all up at the deadline: ${result.state} (${took})` };
    },
    async redeploy(service) {
      throw providerError(
        { service, provider: 'heroku', operation: 'redeploy' },
        'the Heroku provider only restarts dynos',
        'Use actions: [restart] for Heroku, or a command provider that pushes a release.',
      );
    },
    async status(service, ctx) {
      const site: CallSite = { service, provider: 'heroku', operation: 'status' };
      const { app, dyno, call } = herokuCall(ctx, site, service);
      const dynos = await listDynos(call, app, dyno);
      const state = dynos.length > 0 && dynos.every((d) => d.state === 'up') ? 'up' : 'partial';
      return { state, detail: dynos.map((d) => `${d.name} ${d.state}`).join(', ') || 'no dynos' };
    },
    async deployments(service, ctx) {
      const { app, call } = herokuCall(
        ctx,
        { service, provider: 'heroku', operation: 'deployments' },
        service,
      );
      return herokuDeployments(call, app);
    },
    async logs(service, ctx, options) {
      const site: CallSite = { service, provider: 'heroku', operation: 'logs' };
      const { app, call } = herokuCall(ctx, site, service);
      return herokuLogs(call, ctx, site, app, options);
    },
    async rollback(service, ctx, options) {
      const { app, call } = herokuCall(ctx, { service, provider: 'heroku', operation: 'rollback' }, service);
      return herokuRollback(call, ctx, service, app, options);
    },
    async doctor(service, ctx) {
      const site: CallSite = { service, provider: 'heroku', operation: 'doctor' };
      if (!ctx.env.HEROKU_API_KEY)
        return [{ check: 'token present', ok: false, detail: 'HEROKU_API_KEY is not set', fix: TOKEN_FIX }];
      const checks: DoctorCheck[] = [{ check: 'token present', ok: true, detail: 'HEROKU_API_KEY (Bearer)' }];
      const { app, dyno, call } = herokuCall(ctx, site, service);
      try {
        const { body } = await call(herokuApp, { path: `/apps/${encodeURIComponent(app)}` });
        checks.push({ check: 'token accepted', ok: true, detail: 'Heroku answered' });
        checks.push({ check: 'app exists', ok: true, detail: `app "${body?.name ?? app}"` });
        const dynos = await listDynos(call, app, dyno);
        checks.push(
          dynos.length
            ? {
                check: 'dynos to restart',
                ok: true,
                detail: dynos.map((d) => `${d.name} ${d.state}`).join(', '),
              }
            : {
                check: 'dynos to restart',
                ok: false,
                detail: `no dyno matches ${dyno ?? 'the app'}`,
                fix: 'Check recovery.dyno (`heroku ps -a <app>`) or scale the app up.',
              },
        );
      } catch (error: unknown) {
        checks.push(failedDoctorCheck(error, 'app exists'));
      }
      return checks;
    },
  };
}

/** One Heroku Platform API call with the token, the version header and Heroku's 404 fix. */
export type HerokuCall = <S extends z.ZodMiniType>(
  schema: S,
  req: { path: string; method?: HttpRequest['method']; body?: unknown; headers?: Record<string, string> },
) => ReturnType<typeof requestJson<S>>;

/** The app, the optional dyno and a call bound to them; throws ProviderError for a non-Heroku service. */
export function herokuCall(
  ctx: ProviderContext,
  site: CallSite,
  service: ProviderService,
): { app: string; dyno?: string; call: HerokuCall } {
  if (service.recovery?.provider !== 'heroku') {
    throw providerError(site, 'not a Heroku service', 'Set recovery.provider: heroku and recovery.app.');
  }
  const { app, dyno } = service.recovery;
  const base = (ctx.env.HEROKU_API_URL || HEROKU_API_URL).replace(/\/+$/, '');
  const token = ctx.env.HEROKU_API_KEY;
  const call: HerokuCall = async (schema, req) => {
    if (!token) throw providerError(site, 'HEROKU_API_KEY is not set', TOKEN_FIX, { auth: true });
    return requestJson(schema, ctx, {
      ...site,
      ...req,
      url: base + req.path,
      // Heroku requires the version in Accept: https://devcenter.heroku.com/articles/platform-api-reference#clients
      headers: {
        ...req.headers,
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.heroku+json; version=3',
      },
      tokenEnv: 'HEROKU_API_KEY',
      urlEnv: 'HEROKU_API_URL',
      secrets: [token],
      fix: (f) =>
        f.status === 404
          ? `Heroku has no app "${app}"${dyno ? ` or dyno "${dyno}"` : ''} visible to HEROKU_API_KEY; check recovery.app (\`heroku apps\`).`
          : undefined,
    });
  };
  return { app, dyno, call };
}

async function listDynos(call: HerokuCall, app: string, dyno: string | undefined): Promise<Dyno[]> {
  const { body: all } = await call(z.array(herokuDyno), { path: `/apps/${encodeURIComponent(app)}/dynos` });
  if (!dyno) return all;
  return all.filter((d) => (dyno.includes('.') ? d.name === dyno : d.type === dyno));
}

/** The Heroku descriptor: `recovery: { provider: heroku, app, dyno? }`. */
export const heroku = defineProvider({
  type: 'heroku',
  displayName: 'Heroku',
  configSchema: z.strictObject({
    provider: z.literal('heroku'),
    app: nonEmpty,
    /** Only this dyno or process type, e.g. `web` or `web.1` (default: all dynos). */
    dyno: z.optional(nonEmpty),
    actions: z.optional(recoveryActions),
  }),
  defaultActions: () => ['restart'],
  secretEnv: ['HEROKU_API_KEY'],
  hints: { token: TOKEN_FIX },
  create: createHerokuProvider,
});

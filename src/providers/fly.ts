/**
 * Fly.io Machines API (https://fly.io/docs/machines/api/): restart lists the app's machines
 * (`GET /v1/apps/{app}/machines`), restarts each in turn (`POST .../machines/{id}/restart`) and waits for
 * it (`GET .../machines/{id}/wait?state=started`) before the next, so the app never loses all machines at once.
 * Token: `FLY_API_TOKEN` (Bearer). Endpoint: `FLY_API_URL` (default `https://api.machines.dev`).
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
import { flyDeployments } from './fly-history.js';

/** Default endpoint; `FLY_API_URL` overrides it. */
export const FLY_API_URL = 'https://api.machines.dev';

const TOKEN_FIX = 'Set FLY_API_TOKEN to a deploy token for the app (`fly tokens create deploy -a <app>`).';

/** A machine as `GET /v1/apps/{app}/machines` lists it; extra keys are kept. */
export const flyMachine = z.looseObject({
  id: z.string(),
  name: z.optional(z.string()),
  state: z.optional(z.string()),
});
type Machine = z.output<typeof flyMachine>;
const flyMachines = z.array(flyMachine);

/** Creates the Fly.io provider; `timing` sets defaults that `ctx.timing` can still override. */
export function createFlyProvider(timing: ProviderTiming = {}): Provider {
  return {
    type: 'fly',
    async restart(service, ctx): Promise<ActionResult> {
      const site: CallSite = { service, provider: 'fly', operation: 'restart' };
      const { app, call } = flyCall(ctx, site, service);
      const machines = await selectedMachines(call, site, service);
      const t = timingOf(ctx, timing);
      const start = ctx.clock.now();
      const started: string[] = [];
      for (const machine of machines) {
        const path = `/v1/apps/${encodeURIComponent(app)}/machines/${encodeURIComponent(machine.id)}`;
        await call(anyAnswer, { method: 'POST', path: `${path}/restart` });
        const remaining = () => Math.max(1000, t.deadlineMs - (ctx.clock.now() - start));
        const result = await follow(
          ctx,
          async () => {
            const seconds = Math.min(60, Math.ceil(remaining() / 1000));
            // Fly answers 408 when the machine did not reach the state within `timeout`: not an error, wait again.
            const res = await call(anyAnswer, {
              path: `${path}/wait?state=started&timeout=${seconds}`,
              accept: [408],
              timeoutMs: seconds * 1000 + 10_000,
            });
            return { state: res.status === 408 ? 'starting' : 'started', done: res.status !== 408 };
          },
          {
            intervalMs: Math.min(t.pollIntervalMs, 1000),
            deadlineMs: t.deadlineMs - (ctx.clock.now() - start),
          },
        );
        if (result.outcome !== 'done') {
          const done = started.length ? ` (${started.join(', ')} restarted)` : '';
          return { ok: false, detail: `Fly machine ${machine.id} not started before the deadline${done}` };
        }
        started.push(machine.id);
      }
      return {
        ok: true,
        detail: `Fly restarted ${started.length} machine(s) of ${app}: ${started.join(', ')} (${formatMs(ctx.clock.now() - start)})`,
      };
    },
    async redeploy(service) {
      throw providerError(
        { service, provider: 'fly', operation: 'redeploy' },
        'the Fly Machines API has no redeploy',
        'Use actions: [restart] for Fly, or a command provider running `fly deploy --app <app>`.',
      );
    },
    async status(service, ctx) {
      const site: CallSite = { service, provider: 'fly', operation: 'status' };
      const machines = await selectedMachines(flyCall(ctx, site, service).call, site, service);
      const counts = new Map<string, number>();
      for (const m of machines) counts.set(m.state ?? 'unknown', (counts.get(m.state ?? 'unknown') ?? 0) + 1);
      const state = machines.every((m) => m.state === 'started') ? 'started' : 'partial';
      return { state, detail: [...counts].map(([s, n]) => `${n} ${s}`).join(', ') };
    },
    // No logs() and no rollback(): see fly-history.ts for what the Machines API cannot give.
    async deployments(service, ctx) {
      const site: CallSite = { service, provider: 'fly', operation: 'deployments' };
      return flyDeployments(await selectedMachines(flyCall(ctx, site, service).call, site, service));
    },
    async doctor(service, ctx) {
      const site: CallSite = { service, provider: 'fly', operation: 'doctor' };
      if (!ctx.env.FLY_API_TOKEN)
        return [{ check: 'token present', ok: false, detail: 'FLY_API_TOKEN is not set', fix: TOKEN_FIX }];
      const checks: DoctorCheck[] = [{ check: 'token present', ok: true, detail: 'FLY_API_TOKEN (Bearer)' }];
      try {
        const machines = await selectedMachines(flyCall(ctx, site, service).call, site, service);
        checks.push({ check: 'token accepted', ok: true, detail: 'Fly answered' });
        checks.push({
          check: 'app exists',
          ok: true,
          detail: `${machines.length} machine(s) to restart: ${machines.map((m) => `${m.id} (${m.state})`).join(', ')}`,
        });
      } catch (error: unknown) {
        checks.push(failedDoctorCheck(error, 'app exists'));
      }
      return checks;
    },
  };
}

/** One Machines API call with the token and Fly's 404 fix. */
export type FlyCall = <S extends z.ZodMiniType>(
  schema: S,
  req: {
    path: string;
    method?: HttpRequest['method'];
    accept?: number[];
    timeoutMs?: number;
  },
) => ReturnType<typeof requestJson<S>>;

/** The app and a call bound to it; throws ProviderError for a non-Fly service. */
export function flyCall(
  ctx: ProviderContext,
  site: CallSite,
  service: ProviderService,
): { app: string; call: FlyCall } {
  if (service.recovery?.provider !== 'fly') {
    throw providerError(site, 'not a Fly.io service', 'Set recovery.provider: fly and recovery.app.');
  }
  const app = service.recovery.app;
  const base = (ctx.env.FLY_API_URL || FLY_API_URL).replace(/\/+$/, '');
  const token = ctx.env.FLY_API_TOKEN;
  const call: FlyCall = async (schema, req) => {
    if (!token) throw providerError(site, 'FLY_API_TOKEN is not set', TOKEN_FIX, { auth: true });
    return requestJson(schema, ctx, {
      ...site,
      ...req,
      url: base + req.path,
      headers: { authorization: `Bearer ${token}` },
      tokenEnv: 'FLY_API_TOKEN',
      urlEnv: 'FLY_API_URL',
      secrets: [token],
      fix: (f) =>
        f.status === 404
          ? `Fly has no app "${app}" (or machine) visible to FLY_API_TOKEN; check recovery.app (\`fly apps list\`).`
          : undefined,
    });
  };
  return { app, call };
}

/** The machines of `recovery.machines` (default all); throws when none is left. */
export async function selectedMachines(
  call: FlyCall,
  site: CallSite,
  service: ProviderService,
): Promise<Machine[]> {
  const recovery = service.recovery;
  if (recovery?.provider !== 'fly') {
    throw providerError(site, 'not a Fly.io service', 'Set recovery.provider: fly and recovery.app.');
  }
  const { body: all } = await call(flyMachines, {
    path: `/v1/apps/${encodeURIComponent(recovery.app)}/machines`,
  });
  const wanted = recovery.machines;
  const machines = wanted
    ? all.filter((m) => wanted.includes(m.id) || (m.name !== undefined && wanted.includes(m.name)))
    : all;
  if (machines.length === 0) {
    throw providerError(
      site,
      wanted
        ? `none of the machines ${wanted.join(', ')} is in app ${recovery.app}`
        : `app ${recovery.app} has no machines`,
      wanted
        ? 'Check recovery.machines against `fly machines list`.'
        : 'Deploy the app once (`fly deploy`), then restart works.',
    );
  }
  return machines;
}

/** The Fly.io descriptor: `recovery: { provider: fly, app, machines? }`. */
export const fly = defineProvider({
  type: 'fly',
  displayName: 'Fly.io',
  configSchema: z.strictObject({
    provider: z.literal('fly'),
    app: nonEmpty,
    /** Only these machines (default: every machine of the app). */
    machines: z.optional(z.array(nonEmpty)),
    actions: z.optional(recoveryActions),
  }),
  defaultActions: () => ['restart'],
  secretEnv: ['FLY_API_TOKEN'],
  hints: { token: TOKEN_FIX },
  create: createFlyProvider,
});

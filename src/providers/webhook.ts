/**
 * The `webhook` provider: POSTs `{ service, name, action, url, at }` as JSON to `recovery.url`, with the
 * secret from the variable `recovery.secretEnv` in the header `recovery.secretHeader`. Success is any 2xx;
 * 5xx, 429 and timeouts are retried through the shared request helper.
 */
import * as z from 'zod/mini';
import { type RecoveryAction, defineProvider, envName, recoveryActions } from './descriptor.js';
import { duration } from '../util/duration.js';
import type { ActionResult, DoctorCheck, Provider, ProviderContext, ProviderService } from './types.js';
import { makeRedactor, secretValues } from '../util/secrets.js';
import { anyAnswer, providerError, requestJson, type CallSite } from './http.js';

/** The JSON body the webhook receives. */
export interface WebhookPayload {
  /** The service key, e.g. `coqui`. */
  service: string;
  /** Display name. */
  name: string;
  action: RecoveryAction;
  /** The health URL that failed. */
  url: string;
  /** ISO 8601 time of the request. */
  at: string;
}

/** Characters of the webhook's answer kept in `ActionResult.output`. */
export const WEBHOOK_EXCERPT_CHARS = 200;

/** The shared secret `recovery.secretEnv` names (undefined without one); refused or unset is an error. */
function sharedSecret(
  recovery: ReturnType<typeof webhookRecovery>,
  site: CallSite,
  ctx: ProviderContext,
): string | undefined {
  if (!recovery.secretEnv) return undefined;
  if (ctx.allowedEnv && !ctx.allowedEnv(recovery.secretEnv)) {
    throw providerError(
      site,
      `recovery.secretEnv names ${recovery.secretEnv}, which this host does not let configs read`,
      `Ask the operator to add ${recovery.secretEnv} to UPTIME_CONFIG_ENV, or use a variable it already lists.`,
    );
  }
  const secret = Object.hasOwn(ctx.env, recovery.secretEnv) ? ctx.env[recovery.secretEnv] : undefined;
  if (!secret) {
    throw providerError(
      site,
      `${recovery.secretEnv} is not set`,
      `Set the environment variable ${recovery.secretEnv} (recovery.secretEnv) to the webhook's shared secret.`,
    );
  }
  return secret;
}

async function act(
  action: RecoveryAction,
  service: ProviderService,
  ctx: ProviderContext,
): Promise<ActionResult> {
  const site: CallSite = { service, provider: 'webhook', operation: action };
  const recovery = webhookRecovery(service, site);
  const headers: Record<string, string> = { 'user-agent': 'uptime-action' };
  const secret = sharedSecret(recovery, site, ctx);
  if (secret) headers[recovery.secretHeader] = secret;
  const payload: WebhookPayload = {
    service: service.id,
    name: service.name,
    action,
    url: service.url,
    at: new Date(ctx.clock.now()).toISOString(),
  };
  const target = new URL(recovery.url);
  const res = await requestJson(
    anyAnswer,
    { ...ctx, fetch: ctx.configFetch ?? ctx.fetch },
    {
      ...site,
      url: recovery.url,
      method: 'POST',
      headers,
      body: payload,
      timeoutMs: recovery.timeout,
      tokenEnv: recovery.secretEnv,
      // The URL itself may carry a secret (Slack-style hooks): messages name only its host.
      secrets: [
        ...(secret ? [secret] : []),
        target.pathname.length > 8 ? target.pathname : '',
        target.search,
      ],
      fix: (f) =>
        f.status === 401 || f.status === 403
          ? `The webhook at ${target.host} refused the request; check ${recovery.secretEnv ? `${recovery.secretEnv} and recovery.secretHeader (${recovery.secretHeader})` : 'whether it needs a secret (recovery.secretEnv)'}.`
          : f.status === 404
            ? `Nothing answers at that path on ${target.host}; check recovery.url.`
            : undefined,
    },
  );
  // The answer is the endpoint's text: only a short excerpt, and never with a secret in it (docs/security.md).
  const redact = makeRedactor(secretValues(ctx.env, [secret]));
  const excerpt = redact(res.text.replace(/\s+/g, ' ').trim()).slice(0, WEBHOOK_EXCERPT_CHARS);
  return {
    ok: true,
    detail: `webhook ${target.host} answered ${res.status}`,
    output: excerpt || undefined,
  };
}

/** The webhook provider. */
export const webhookProvider: Provider = {
  type: 'webhook',
  restart: (service, ctx) => act('restart', service, ctx),
  redeploy: (service, ctx) => act('redeploy', service, ctx),
  rollback: (service, ctx) => act('rollback', service, ctx),
  async doctor(service, ctx) {
    const recovery = webhookRecovery(service, { service, provider: 'webhook', operation: 'doctor' });
    const checks: DoctorCheck[] = [
      {
        check: 'webhook URL',
        ok: true,
        detail: `POST to ${new URL(recovery.url).host} (not called: doctor is read-only)`,
      },
    ];
    if (recovery.secretEnv) {
      checks.push(
        ctx.env[recovery.secretEnv]
          ? {
              check: 'secret present',
              ok: true,
              detail: `${recovery.secretEnv}, sent in ${recovery.secretHeader}`,
            }
          : {
              check: 'secret present',
              ok: false,
              detail: `${recovery.secretEnv} is not set`,
              fix: `Set ${recovery.secretEnv} to the webhook's shared secret.`,
            },
      );
    }
    return checks;
  },
};

function webhookRecovery(service: ProviderService, site: CallSite) {
  if (service.recovery?.provider !== 'webhook') {
    throw providerError(site, 'not a webhook service', 'Set recovery.provider: webhook and recovery.url.');
  }
  return service.recovery;
}

/** The webhook descriptor: `recovery: { provider: webhook, url, secretEnv?, secretHeader?, timeout? }`. */
export const webhook = defineProvider({
  type: 'webhook',
  displayName: 'Webhook',
  configSchema: z.strictObject({
    provider: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be a full http(s) URL.' }),
    /** Name of the environment variable holding a shared secret, sent in `secretHeader`. */
    secretEnv: z.optional(envName),
    secretHeader: z._default(z.string().check(z.minLength(1)), 'X-Uptime-Secret'),
    timeout: z._default(duration({ min: 100, max: 600_000 }), 30_000),
    actions: z.optional(recoveryActions),
  }),
  defaultActions: () => ['restart', 'redeploy'],
  secretEnv: [],
  hints: { secret: "Set the variable named in recovery.secretEnv to the webhook's shared secret." },
  create: () => webhookProvider,
});

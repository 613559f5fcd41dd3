/**
 * Hosted safety (docs/security.md, "A hosted bot"): what a repository's config may use on a hosted bot, as
 * a value built from the operator's environment. The Action and the CLI pass no policy: they run the user's
 * own config, unrestricted.
 */
import { isOneOf } from '../util/fields.js';
import type { PrivateTargets } from '../util/net-address.js';
import type { ConfigProblem } from './errors.js';
import { PROVIDER_TYPES } from './schema.js';
import type { ProviderType } from '../providers/registry.js';

/** What a hosted bot lets a repository's config do. */
export interface HostedPolicy {
  /** `UPTIME_ALLOWED_PROVIDERS`. @default railway, render, fly, heroku */
  allowedProviders: ProviderType[];
  /** `UPTIME_CONFIG_ENV`: the only variables a config may reference as `${VAR}` (or name in `secretEnv`). @default none */
  configEnv: string[];
  /** `UPTIME_PRIVATE_TARGETS`: pass it to the probe, webhook and notification fetches. @default 'deny' */
  privateTargets: PrivateTargets;
}

export const DEFAULT_ALLOWED_PROVIDERS: ProviderType[] = ['railway', 'render', 'fly', 'heroku'];

const list = (value: string | undefined) =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The hosted bot's policy from the operator's environment.
 * @throws Error naming the variable when a value is not understood (the bot should refuse to start).
 */
export function hostedPolicyFromEnv(env: NodeJS.ProcessEnv): HostedPolicy {
  const providers = env.UPTIME_ALLOWED_PROVIDERS?.trim()
    ? list(env.UPTIME_ALLOWED_PROVIDERS).map((p) => p.toLowerCase())
    : DEFAULT_ALLOWED_PROVIDERS;
  const known = providers.filter((p) => isOneOf(PROVIDER_TYPES, p));
  const unknown = providers.filter((p) => !isOneOf(PROVIDER_TYPES, p));
  if (unknown.length) {
    throw new Error(
      `UPTIME_ALLOWED_PROVIDERS: unknown provider ${unknown.map((p) => `"${p}"`).join(', ')}; use a comma-separated list of ${PROVIDER_TYPES.join(', ')}.`,
    );
  }
  const targets = (env.UPTIME_PRIVATE_TARGETS ?? '').trim().toLowerCase() || 'deny';
  if (targets !== 'deny' && targets !== 'allow') {
    throw new Error(
      `UPTIME_PRIVATE_TARGETS: "${targets}" is not understood; use deny (the default) or allow.`,
    );
  }
  const configEnv = list(env.UPTIME_CONFIG_ENV);
  const badName = configEnv.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (badName) throw new Error(`UPTIME_CONFIG_ENV: "${badName}" is not a variable name.`);
  return { allowedProviders: known, configEnv, privateTargets: targets };
}

/** The problem for a `${NAME}` (or `secretEnv: NAME`) the policy does not let a config read; undefined when allowed. */
export function envReferenceProblem(
  policy: HostedPolicy | undefined,
  name: string,
  path: string,
): ConfigProblem | undefined {
  if (!policy || policy.configEnv.includes(name)) return undefined;
  return {
    path,
    message: `refers to the environment variable ${name}, which this hosted bot does not let a repository's config read.`,
    fix: `the operator can allow it with UPTIME_CONFIG_ENV=${[...policy.configEnv, name].join(',')}; otherwise write the value, or use a provider that reads its own token.`,
  };
}

/** Problems for providers and `secretEnv` names the policy does not allow, in a validated config's services. */
export function policyProblems(
  services: Record<string, { recovery?: { provider: ProviderType; secretEnv?: string } }>,
  policy: HostedPolicy | undefined,
): ConfigProblem[] {
  if (!policy) return [];
  const problems: ConfigProblem[] = [];
  for (const [key, service] of Object.entries(services)) {
    const recovery = service.recovery;
    if (!recovery) continue;
    if (!policy.allowedProviders.includes(recovery.provider)) {
      problems.push({
        path: `services.${key}.recovery.provider`,
        message: `"${recovery.provider}" is not allowed on this hosted bot.`,
        fix: `the operator can allow it with UPTIME_ALLOWED_PROVIDERS=${[...policy.allowedProviders, recovery.provider].join(',')}.`,
      });
    }
    if (recovery.secretEnv) {
      const problem = envReferenceProblem(policy, recovery.secretEnv, `services.${key}.recovery.secretEnv`);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

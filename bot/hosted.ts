import { hostedPolicyFromEnv, type HostedPolicy } from '../src/config/policy.js';
import { createSafeFetch } from '../src/util/net.js';

/**
 * The hosted bot's policy for configs it does not control (docs/security.md), read once from
 * the operator's environment by `hostedPolicyFromEnv`: which providers a repository's config may use
 * (`UPTIME_ALLOWED_PROVIDERS`), which variables its `${VAR}`s may read (`UPTIME_CONFIG_ENV`), and whether
 * probes and webhooks may reach private addresses (`UPTIME_PRIVATE_TARGETS`).
 */
export interface HostedConfigLoad {
  policy: HostedPolicy;
  /** Only the variables `UPTIME_CONFIG_ENV` lists: a `${PRIVATE_KEY}` can't even be looked up. */
  env: NodeJS.ProcessEnv;
  /** Every outbound request a repository's config causes (probes, webhooks) goes through this fetch. */
  fetch: typeof fetch;
}

/**
 * Reads the policy from the host's environment.
 * @throws Error naming the variable when the operator's value is not understood (the bot refuses to start).
 */
export function hostedConfigLoad(env: NodeJS.ProcessEnv, baseFetch?: typeof fetch): HostedConfigLoad {
  const policy = hostedPolicyFromEnv(env);
  const configEnv: NodeJS.ProcessEnv = {};
  for (const name of policy.configEnv) if (Object.hasOwn(env, name)) configEnv[name] = env[name];
  return {
    policy,
    env: configEnv,
    fetch: createSafeFetch({ fetch: baseFetch, privateTargets: policy.privateTargets, env }),
  };
}

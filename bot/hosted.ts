import { ConfigError } from '../src/config/errors.js';
import { PROVIDER_TYPES, type Config, type ProviderType } from '../src/config/schema.js';

/**
 * The hosted bot's policy for configs it does not control (ARCHITECTURE.md, "Hosted safety"): which
 * providers a repository's config may use (`UPTIME_ALLOWED_PROVIDERS`, default the platform APIs, never
 * `webhook` or `command` unless listed) and which variables its `${VAR}`s may read (`UPTIME_CONFIG_ENV`,
 * default none: a `${PRIVATE_KEY}` is then an unset variable and a config error).
 *
 * TODO(integrator): the "safety" helper adds `hostedPolicyFromEnv(env)` and a policy parameter to the config
 * loader (which also covers `UPTIME_PRIVATE_TARGETS`). Once merged, build that policy in `hostedConfigLoad`
 * and pass it to `parseConfigText`; this file's two checks then become redundant and can go.
 */

export const DEFAULT_ALLOWED_PROVIDERS: ProviderType[] = ['railway', 'render', 'fly', 'heroku'];

/** What the bot passes to the repository config loader. */
export interface HostedConfigLoad {
  /** The only variables a repository's `${VAR}` may read. */
  env: NodeJS.ProcessEnv;
  /** @throws ConfigError when the config uses a provider the host does not allow. */
  validate(config: Config): void;
}

const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);

/** Reads the policy from the host's environment. */
export function hostedConfigLoad(env: NodeJS.ProcessEnv): HostedConfigLoad {
  const allowed = env.UPTIME_ALLOWED_PROVIDERS
    ? list(env.UPTIME_ALLOWED_PROVIDERS).filter((p): p is ProviderType =>
        (PROVIDER_TYPES as readonly string[]).includes(p),
      )
    : DEFAULT_ALLOWED_PROVIDERS;
  const configEnv: NodeJS.ProcessEnv = {};
  for (const name of list(env.UPTIME_CONFIG_ENV)) if (Object.hasOwn(env, name)) configEnv[name] = env[name];
  return {
    env: configEnv,
    validate(config) {
      const problems = Object.entries(config.services)
        .filter(([, s]) => s.recovery && !allowed.includes(s.recovery.provider))
        .map(([key, s]) => ({
          path: `services.${key}.recovery.provider`,
          message: `the provider "${s.recovery!.provider}" is not allowed on this hosted bot (allowed: ${allowed.join(', ')}).`,
          fix: `use one of ${allowed.join(', ')}, or ask the bot's operator to add it to UPTIME_ALLOWED_PROVIDERS.`,
        }));
      if (problems.length) throw new ConfigError(config.source, problems);
    },
  };
}

import { loadConfig, type LoadOptions } from './load.js';
import { SITE_PLACEHOLDER_URL } from './site-config.js';
import type { Config } from './schema.js';

/**
 * A person's `restart`, `redeploy` or `rollback` of one service (CLI, `/restart api`) needs that service's
 * settings and the tuning, nothing else: in an emergency an unset `${UPTIME_HOOK_SECRET}` of a `notify:`
 * target, or the URL variable of another service, must not block it. So the raw config is reduced to the
 * top-level settings and that one service before `${VAR}` is expanded; what is kept goes through the one
 * schema, so its mistakes get the usual errors naming the key.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Top-level keys no manual action reads (their `${VAR}`s may be unset). */
const NOT_NEEDED = ['notify', 'statusPage'];

/**
 * The raw config reduced to what acting on `service` needs. For a service that is not in the file, every
 * service is kept by its key alone (the answer lists the known services; nothing of theirs is expanded);
 * a wrong shape is passed on for the usual errors.
 */
export function serviceConfigInput(service: string): (raw: unknown) => unknown {
  return (raw) => {
    if (!isObject(raw) || !isObject(raw.services)) return raw;
    const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !NOT_NEEDED.includes(key)));
    if (Object.hasOwn(raw.services, service))
      return { ...kept, services: { [service]: raw.services[service] } };
    const names = Object.fromEntries(
      Object.keys(raw.services).map((id) => [id, { url: SITE_PLACEHOLDER_URL }]),
    );
    return { ...kept, services: names };
  };
}

/** {@link loadConfig} reduced by {@link serviceConfigInput}. @throws ConfigError */
export function loadServiceConfig(
  service: string,
  options: Omit<LoadOptions, 'select'> = {},
): Promise<Config> {
  return loadConfig({ ...options, select: serviceConfigInput(service) });
}

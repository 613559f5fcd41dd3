import { loadConfig, type LoadOptions } from './load.js';
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
 * The raw config reduced to what acting on `service` needs. A service that is not in the file keeps the
 * whole list (so the answer names the known services); a wrong shape is passed on for the usual errors.
 */
export function serviceConfigInput(service: string): (raw: unknown) => unknown {
  return (raw) => {
    if (!isObject(raw) || !isObject(raw.services) || !Object.hasOwn(raw.services, service)) return raw;
    const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !NOT_NEEDED.includes(key)));
    return { ...kept, services: { [service]: raw.services[service] } };
  };
}

/** {@link loadConfig} reduced by {@link serviceConfigInput}. @throws ConfigError */
export function loadServiceConfig(
  service: string,
  options: Omit<LoadOptions, 'select'> = {},
): Promise<Config> {
  return loadConfig({ ...options, select: serviceConfigInput(service) });
}

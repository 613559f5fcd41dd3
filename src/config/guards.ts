/**
 * Checks on a raw config before and after the schema (docs/security.md, docs/configuration.md): size and expansion bounds, keys that
 * are `Object.prototype` names, URLs with credentials, bare-number durations, and a slow threshold that the
 * timeout makes unreachable.
 */
import { isList, ownField } from '../util/fields.js';
import type { ConfigProblem } from './errors.js';

/** Largest config file read, in bytes of YAML source. @default 1 MiB */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Most values (mappings, lists, scalars) a config may hold once YAML aliases are expanded. */
export const MAX_CONFIG_NODES = 100_000;
/** Most characters of text a config may hold once YAML aliases are expanded. */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;
/** Alias resolutions allowed by the yaml library (its own exhaustion guard). */
export const MAX_ALIAS_COUNT = 100;

/** Names that would reach `Object.prototype` if used as a key (`services.constructor`, `__proto__`). */
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']);

/** True when `key` is an `Object.prototype` name. */
export function isPrototypeName(key: string): boolean {
  return PROTOTYPE_NAMES.has(key);
}

/**
 * Walks the parsed value as the loader will (an alias counts each time it is reached) and stops at the
 * first bound exceeded, so a file of nested aliases fails in milliseconds instead of expanding.
 */
export function expansionProblem(raw: unknown): ConfigProblem | undefined {
  let nodes = 0;
  let chars = 0;
  const stack: unknown[] = [raw];
  while (stack.length) {
    const value = stack.pop();
    nodes++;
    if (typeof value === 'string') chars += value.length;
    else if (isList(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        chars += k.length;
        stack.push(v);
      }
    }
    if (nodes > MAX_CONFIG_NODES || chars > MAX_CONFIG_CHARS) {
      return {
        path: '',
        message: `expands to more than ${nodes > MAX_CONFIG_NODES ? `${MAX_CONFIG_NODES} values` : `${MAX_CONFIG_CHARS} characters`} once YAML aliases (*name) are resolved.`,
        fix: 'write each service out, or use fewer and smaller aliases; a config is a few kilobytes.',
      };
    }
  }
  return undefined;
}

/** Every key, at any depth, that is an `Object.prototype` name. */
export function prototypeKeyProblems(
  raw: unknown,
  path: string[] = [],
  out: ConfigProblem[] = [],
): ConfigProblem[] {
  if (Array.isArray(raw)) raw.forEach((v, i) => prototypeKeyProblems(v, [...path, String(i)], out));
  else if (raw && typeof raw === 'object') {
    for (const key of Reflect.ownKeys(raw)) {
      if (typeof key !== 'string') continue;
      if (isPrototypeName(key)) {
        out.push({
          path: [...path, key].join('.'),
          message: `"${key}" can't be used as a key: it is a built-in JavaScript name.`,
          fix:
            path[0] === 'services' && path.length === 1
              ? `rename the service, e.g. "${key}-svc".`
              : 'remove it.',
        });
      } else prototypeKeyProblems(ownField(raw, key), [...path, key], out);
    }
  }
  return out;
}

const hasOwn = (value: unknown, key: string): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.hasOwn(value, key);

/** Service and webhook URLs that carry a user name or password (never quoted: the password is a secret). */
export function credentialUrlProblems(expanded: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const services = hasOwn(expanded, 'services') ? expanded.services : undefined;
  if (!services || typeof services !== 'object') return problems;
  for (const [key, service] of Object.entries(services)) {
    const urls: Array<[string, unknown]> = [];
    if (hasOwn(service, 'url')) urls.push([`services.${key}.url`, service.url]);
    if (hasOwn(service, 'recovery') && hasOwn(service.recovery, 'url'))
      urls.push([`services.${key}.recovery.url`, service.recovery.url]);
    for (const [path, url] of urls) {
      if (typeof url !== 'string' || !URL.canParse(url)) continue;
      const parsed = new URL(url);
      if (parsed.username || parsed.password) {
        problems.push({
          path,
          message: 'contains a user name or password; credentials in a URL end up in logs and incidents.',
          fix: 'remove them from the URL and send them in headers with a variable, e.g. headers: { Authorization: "Basic ${HEALTH_BASIC_AUTH}" }.',
        });
      }
    }
  }
  return problems;
}

const TOP_DURATIONS = [
  'healthCheckInterval',
  'slowResponseThreshold',
  'restartAttemptDelay',
  'recoveryTimeout',
  'restartWindow',
  'maxBackoff',
];

/** Warnings for bare numbers under 1000 where a duration is expected: `timeout: 10` is 10 ms, probably a mistake. */
export function bareDurationWarnings(raw: unknown): ConfigProblem[] {
  const found: Array<[string, unknown]> = [];
  for (const key of TOP_DURATIONS) if (hasOwn(raw, key)) found.push([key, raw[key]]);
  const services = hasOwn(raw, 'services') ? raw.services : undefined;
  if (services && typeof services === 'object') {
    for (const [id, service] of Object.entries(services)) {
      if (hasOwn(service, 'timeout')) found.push([`services.${id}.timeout`, service.timeout]);
      if (hasOwn(service, 'recovery') && hasOwn(service.recovery, 'timeout'))
        found.push([`services.${id}.recovery.timeout`, service.recovery.timeout]);
    }
  }
  return found
    .filter(([, v]) => typeof v === 'number' && v > 0 && v < 1000)
    .map(([path, v]) => ({
      path,
      message: `${path.split('.').pop()}: ${String(v)} means ${String(v)} ms; write "${String(v)}s" if you meant seconds.`,
    }));
}

/** An explicit `slowResponseThreshold` at or above a service's timeout can never fire (predictive restart impossible). */
export function slowThresholdProblems(
  slowResponseThreshold: number | undefined,
  services: Record<string, { timeout: number }>,
): ConfigProblem[] {
  if (slowResponseThreshold === undefined) return [];
  return Object.entries(services)
    .filter(([, s]) => slowResponseThreshold >= s.timeout)
    .map(([id, s]) => ({
      path: 'slowResponseThreshold',
      message: `${slowResponseThreshold}ms is not below services.${id}.timeout (${s.timeout}ms): a response that slow has already timed out, so slowness (and predictive restart) can never be detected.`,
      fix: `lower slowResponseThreshold or raise services.${id}.timeout.`,
    }));
}

/**
 * The provider registry: config `recovery.provider` → the descriptor of the file that talks to that
 * platform. Adding a platform is one new file (exporting a descriptor) and one line in PROVIDERS; the
 * config's `recovery` union, display names, secret variables and hints are derived from this list.
 */
import type * as z from 'zod/mini';
import type { ProviderDescriptor, RecoveryAction } from './descriptor.js';
import type { Provider } from './types.js';
import { PROVIDER_NAMES } from './http.js';
import { command } from './command.js';
import { fly } from './fly.js';
import { heroku } from './heroku.js';
import { railway } from './railway.js';
import { render } from './render.js';
import { webhook } from './webhook.js';

/** Every built-in provider, one line each. */
export const PROVIDERS = [railway, render, fly, heroku, webhook, command] as const;

/** A config's `recovery.provider` value. */
export type ProviderType = (typeof PROVIDERS)[number]['type'];

/** One provider's `recovery:` keys as validated (`D` is its descriptor). */
type RecoveryOf<D> = D extends { configSchema: infer S extends z.ZodMiniType } ? z.output<S> : never;
/** A service's `recovery:` block as validated: one provider's keys, `actions` filled from its defaults. */
export type RecoveryConfig = RecoveryOf<(typeof PROVIDERS)[number]> & { actions: RecoveryAction[] };

const descriptors = new Map<string, ProviderDescriptor>();
const cache = new Map<string, Provider>();

/** Adds a descriptor (the built-ins at load; tests add throwaway ones). A type can be registered once. */
export function registerProvider(descriptor: ProviderDescriptor): void {
  if (descriptors.has(descriptor.type))
    throw new Error(`Provider "${descriptor.type}" is already registered.`);
  descriptors.set(descriptor.type, descriptor);
  PROVIDER_NAMES[descriptor.type] = descriptor.displayName;
}
for (const descriptor of PROVIDERS) registerProvider(descriptor);

/** The descriptor of `type`; throws naming the known types. */
export function descriptorFor(type: string): ProviderDescriptor {
  const descriptor = descriptors.get(type);
  if (!descriptor)
    throw new Error(`Unknown provider "${type}"; use one of ${[...descriptors.keys()].join(', ')}.`);
  return descriptor;
}

/** Every registered descriptor. */
export function providerDescriptors(): ProviderDescriptor[] {
  return [...descriptors.values()];
}

/** The secret variables every provider reads (for the redactor and docs). */
export function providerSecretEnv(): string[] {
  return [...new Set(providerDescriptors().flatMap((d) => d.secretEnv))];
}

/** A new provider for `type` (providers hold no state between calls; this is for tests that want their own). */
export function createProvider(type: string): Provider {
  return descriptorFor(type).create();
}

/** The provider for a config's `recovery.provider` (one shared instance per type). */
export function providerFor(type: string): Provider {
  let provider = cache.get(type);
  if (!provider) {
    provider = createProvider(type);
    cache.set(type, provider);
  }
  return provider;
}

/** Alias of `providerFor`, the name the faces wire as `EngineDeps.provider`. */
export const getProvider = providerFor;

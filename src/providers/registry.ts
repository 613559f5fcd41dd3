/**
 * The provider registry: config `recovery.provider` → the module that talks to that platform.
 * Adding a platform is one new file and one line here.
 */
import type { ProviderType } from '../config/schema.js';
import type { Provider } from './types.js';
import { commandProvider } from './command.js';
import { createFlyProvider } from './fly.js';
import { createHerokuProvider } from './heroku.js';
import { createRailwayProvider } from './railway.js';
import { createRenderProvider } from './render.js';
import { webhookProvider } from './webhook.js';

const FACTORIES: Record<ProviderType, () => Provider> = {
  railway: () => createRailwayProvider(),
  render: () => createRenderProvider(),
  fly: () => createFlyProvider(),
  heroku: () => createHerokuProvider(),
  webhook: () => webhookProvider,
  command: () => commandProvider,
};

const cache = new Map<ProviderType, Provider>();

/** A new provider for `type` (providers hold no state between calls; this is for tests that want their own). */
export function createProvider(type: ProviderType): Provider {
  const factory = FACTORIES[type];
  if (!factory)
    throw new Error(`Unknown provider "${String(type)}"; use one of ${Object.keys(FACTORIES).join(', ')}.`);
  return factory();
}

/** The provider for a config's `recovery.provider` (one shared instance per type). */
export function providerFor(type: ProviderType): Provider {
  let provider = cache.get(type);
  if (!provider) {
    provider = createProvider(type);
    cache.set(type, provider);
  }
  return provider;
}

/** Alias of `providerFor`, the name the faces wire as `EngineDeps.provider`. */
export const getProvider = providerFor;

import type { RawConfigInput } from './schema.js';

/**
 * The seed monitor had no config file: two services on Railway, defined by environment variables.
 * With no config file these define the same two services, so its users migrate by changing nothing.
 */
export const SEED_SERVICES = [
  { key: 'backend', name: 'Backend Node.js', urlVar: 'BACKEND_URL', idVar: 'BACKEND_SERVICE_ID' },
  { key: 'coqui', name: 'Coqui Voice Service', urlVar: 'COQUI_API_URL', idVar: 'COQUI_SERVICE_ID' },
] as const;

/** The seed checked `<url>/health`; a URL that already names a path is used as it is. */
export function healthUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/health';
    return parsed.toString();
  } catch {
    return url; // not a URL: the schema reports it under services.<key>.url
  }
}

/** Builds the raw config from the seed's variables, or undefined when none is set. */
export function seedConfigInput(env: NodeJS.ProcessEnv): RawConfigInput | undefined {
  const services: RawConfigInput['services'] = {};
  for (const seed of SEED_SERVICES) {
    const url = env[seed.urlVar];
    if (!url) continue;
    const serviceId = env[seed.idVar];
    services[seed.key] = {
      name: seed.name,
      url: healthUrl(url),
      ...(serviceId
        ? {
            recovery: {
              provider: 'railway' as const,
              serviceId,
              environmentId: env.RAILWAY_ENVIRONMENT_ID || undefined,
            },
          }
        : {}),
    };
  }
  if (Object.keys(services).length === 0) return undefined;
  const mode = env.UPTIME_MODE === 'extreme' || env.UPTIME_MODE === 'normal' ? env.UPTIME_MODE : 'extreme';
  return { mode, services };
}

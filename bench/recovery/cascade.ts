/** The cascade runs of the recovery section: the real engine and the real Railway provider against the loopback Railway server. */
import { parseConfig } from '../../src/config/load.js';
import type { RawConfigInput } from '../../src/config/schema.js';
import type { EngineDeps } from '../../src/engine/types.js';
import { providerFor } from '../../src/providers/registry.js';
import type { Provider } from '../../src/providers/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { virtualClock } from '../../test/helpers/clock.js';
import { RAILWAY_FIXTURE as F, startRailwayServer } from '../../test/helpers/railway-server.js';
import { HOUR, START, probeOf, run } from './engine.js';
import { CascadeWorld } from './worlds.js';

export interface CascadeRun {
  dependentRestarts: number;
  dbRestarts: number;
  timeToHealthyMs: number[];
  calls: number[];
  hourly: Map<number, number>;
  incidents: number;
}

export async function runCascade(
  withDeps: boolean,
  hours: number,
  outages: number,
  seed: number,
): Promise<CascadeRun> {
  const world = new CascadeWorld(START, START + hours * HOUR, seed, outages);
  const server = await startRailwayServer({ pollsUntilDone: 1 });
  const clock = virtualClock(START);
  const hourly = new Map<number, number>();
  const calls: number[] = [];
  const counted: typeof fetch = async (url, init) => {
    calls.push(clock.now());
    const hour = Math.floor((clock.now() - START) / HOUR);
    hourly.set(hour, (hourly.get(hour) ?? 0) + 1);
    return globalThis.fetch(url, init);
  };
  const recovery = (serviceId: string) => ({ provider: 'railway' as const, serviceId });
  const dependsOn = (ids: string[]) => (withDeps ? { dependsOn: ids } : {});
  const raw: RawConfigInput = {
    mode: 'extreme',
    services: {
      db: { url: 'http://127.0.0.1:9/db', recovery: recovery(F.backend) },
      api: { url: 'http://127.0.0.1:9/api', recovery: recovery(F.coqui), ...dependsOn(['db']) },
      web: { url: 'http://127.0.0.1:9/web', recovery: recovery(F.coqui), ...dependsOn(['api']) },
      worker: { url: 'http://127.0.0.1:9/worker', recovery: recovery(F.coqui), ...dependsOn(['db']) },
    },
  };
  const config = parseConfig(raw, 'bench (cascade)');
  const railway = providerFor('railway');
  // The platform call is real (loopback); what the restart does to the service is the world's.
  const provider: Provider = {
    ...railway,
    restart: async (service, ctx) => {
      const result = await railway.restart(service, ctx);
      world.restart(service.id, clock.now());
      return result;
    },
    redeploy: async (service, ctx) => {
      const result = await railway.redeploy(service, ctx);
      world.restart(service.id, clock.now());
      return result;
    },
  };
  let incidents = 0;
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: {
      env: { RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken },
      fetch: counted,
      clock,
      logger: silentLogger,
      timing: { pollIntervalMs: 1000, retries: 1 },
    },
    probe: probeOf((id, t) => world.answer(id, t), clock),
    clock,
    logger: silentLogger,
    incidents: {
      findOpen: async () => undefined,
      openIncidents: async () => ({}),
      open: async (_s, kind, _b, at) => ({ number: ++incidents, openedAt: at, kind }),
      comment: async () => undefined,
      resolve: async () => undefined,
    },
  };
  try {
    await run(deps, clock, world.end);
  } finally {
    await server.close();
  }
  return {
    dependentRestarts: ['api', 'web', 'worker'].reduce((n, id) => n + world.restarts[id].length, 0),
    dbRestarts: world.restarts.db.length,
    timeToHealthyMs: world.timesToHealthy(),
    calls,
    hourly,
    incidents,
  };
}

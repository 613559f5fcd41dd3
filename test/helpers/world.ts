import { parseConfig } from '../../src/config/load.js';
import type { RawConfigInput, ServiceConfig } from '../../src/config/schema.js';
import type { EngineDeps } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import type { ActionResult, Provider, ProviderContext } from '../../src/providers/types.js';
import { virtualClock } from './clock.js';
import { silentLogger } from '../../src/util/logger.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/**
 * A simulated world for engine tests: each service answers from a script (healthy, slow, down), probes take
 * virtual time, and the provider's restart really changes what the service answers. Plain values, no mocks.
 */
export interface SimService {
  up: boolean;
  responseMs: number;
  /** Probes that fail once and then answer normally (flaky). */
  flakyNext?: number;
  /** What a restart does: comes back (default) or stays down. */
  restartFixes?: boolean;
  redeployFixes?: boolean;
  /** The provider's next call is retried once (as after a 502) before it succeeds. */
  flakyProvider?: boolean;
}

export function makeWorld(raw: RawConfigInput, sims: Record<string, Partial<SimService>>) {
  const clock = virtualClock();
  const config = parseConfig(raw, 'test');
  const world: Record<string, SimService> = {};
  for (const id of Object.keys(config.services))
    world[id] = { up: true, responseMs: 50, restartFixes: true, redeployFixes: true, ...sims[id] };
  const calls: Array<{ service: string; action: 'restart' | 'redeploy' }> = [];
  const events: EngineEvent[] = [];
  let probes = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const probe = async (service: ServiceConfig, options?: { confirm?: boolean }): Promise<ProbeResult> => {
    probes++;
    const sim = world[service.id];
    const at = clock.now();
    if (sim.flakyNext && sim.flakyNext > 0) {
      sim.flakyNext--;
      return {
        service: service.id,
        ok: false,
        kind: 'status',
        status: 502,
        responseMs: 30,
        at,
        error: 'HTTP 502',
        confirm: options?.confirm,
      };
    }
    if (!sim.up)
      return {
        service: service.id,
        ok: false,
        kind: 'refused',
        responseMs: 1,
        at,
        error: 'connection refused',
        confirm: options?.confirm,
      };
    return {
      service: service.id,
      ok: true,
      kind: 'ok',
      status: 200,
      responseMs: sim.responseMs,
      at,
      confirm: options?.confirm,
    };
  };

  const act =
    (action: 'restart' | 'redeploy') =>
    async (service: ServiceConfig, ctx: ProviderContext): Promise<ActionResult> => {
      calls.push({ service: service.id, action });
      if (world[service.id].flakyProvider) {
        world[service.id].flakyProvider = false;
        ctx.onRetry?.(`${action} got HTTP 502; retrying in 1s`);
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await clock.sleep(2000);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      const sim = world[service.id];
      if (action === 'restart' ? sim.restartFixes : sim.redeployFixes) {
        sim.up = true;
        sim.responseMs = 50;
      }
      return { ok: true, detail: `${action} requested` };
    };
  const provider: Provider = { type: 'command', restart: act('restart'), redeploy: act('redeploy') };

  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: globalThis.fetch, clock, logger: silentLogger },
    probe,
    clock,
    logger: silentLogger,
    onEvent: (e) => events.push(e),
  };
  return {
    deps,
    clock,
    world,
    calls,
    events,
    config,
    probeCount: () => probes,
    maxInFlight: () => maxInFlight,
  };
}

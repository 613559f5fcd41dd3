import type { CommandContext } from '../../src/commands/handlers.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config, ServiceConfig } from '../../src/config/schema.js';
import type { EngineDeps } from '../../src/engine/types.js';
import type { IncidentLog } from '../../src/incidents/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import type { Provider } from '../../src/providers/types.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { emptyState } from '../../src/state/records.js';
import type { IncidentRef, UptimeState } from '../../src/state/types.js';
import { virtualClock } from '../helpers/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/** Two services like the seed's, recovered through the webhook provider (never called for real here). */
export function testConfig(extra: Record<string, unknown> = {}): Config {
  return parseConfig(
    {
      mode: 'normal',
      services: {
        backend: {
          name: 'Backend Node.js',
          url: 'http://127.0.0.1:9/health',
          recovery: { provider: 'webhook', url: 'http://127.0.0.1:9/restart' },
        },
        coqui: {
          name: 'Coqui Voice Service',
          url: 'http://127.0.0.1:9/coqui',
          recovery: { provider: 'webhook', url: 'http://127.0.0.1:9/coqui-restart' },
        },
        docs: { url: 'http://127.0.0.1:9/docs' },
      },
      ...extra,
    },
    'test config',
  );
}

/** A provider that records its calls and answers as told. */
export function fakeProvider(
  answer: { ok: boolean; detail: string } = { ok: true, detail: 'restart requested' },
) {
  const calls: Array<{ op: 'restart' | 'redeploy'; service: string }> = [];
  const provider: Provider = {
    type: 'webhook',
    restart: async (service) => {
      calls.push({ op: 'restart', service: service.id });
      return answer;
    },
    redeploy: async (service) => {
      calls.push({ op: 'redeploy', service: service.id });
      return answer;
    },
  };
  return { provider, calls };
}

/** An incident log in memory that records comments. */
export function fakeIncidents(open: Record<string, IncidentRef> = {}) {
  const comments: Array<{ service: string; number: number; body: string }> = [];
  const log: IncidentLog = {
    findOpen: async (service: ServiceConfig) => open[service.id],
    openIncidents: async () => open,
    open: async () => {
      throw new Error('not expected in this test');
    },
    comment: async (service, ref, body) => {
      comments.push({ service: service.id, number: ref.number, body });
    },
    resolve: async () => undefined,
  };
  return { log, comments };
}

/** Everything a handler needs, with a virtual clock, a memory store and a fake provider and probe. */
export function handlerSetup(
  options: { state?: UptimeState; healthy?: boolean; config?: Config; incidents?: IncidentLog } = {},
) {
  const config = options.config ?? testConfig();
  const clock = virtualClock(Date.UTC(2026, 0, 5, 12, 0, 0));
  const store = new MemoryStateStore(options.state ?? emptyState(), { now: () => clock.now() });
  const { provider, calls } = fakeProvider();
  const probe = async (service: ServiceConfig): Promise<ProbeResult> => {
    clock.advance(1500);
    return options.healthy === false
      ? {
          service: service.id,
          ok: false,
          kind: 'status',
          status: 503,
          responseMs: 20,
          at: clock.now(),
          error: 'HTTP 503',
        }
      : { service: service.id, ok: true, kind: 'ok', status: 200, responseMs: 42, at: clock.now() };
  };
  const engine: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: globalThis.fetch, clock, logger: silentLogger },
    probe,
    incidents: options.incidents,
    clock,
    logger: silentLogger,
  };
  const ctx = (actor = 'alice', issue = { number: 7, labels: [] as string[] }): CommandContext => ({
    config,
    store,
    engine,
    clock,
    actor,
    issue,
    incidents: options.incidents,
  });
  return { config, clock, store, calls, engine, ctx };
}

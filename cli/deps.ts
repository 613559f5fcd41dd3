import { runRedactor } from '../src/run/redactor.js';
import { join } from 'node:path';
import type { Config } from '../src/config/schema.js';
import type { EngineDeps } from '../src/engine/types.js';
import { FileIncidentLog } from '../src/incidents/file.js';
import { probeMonitor } from '../src/monitors/registry.js';
import type { HeartbeatView } from '../src/monitors/heartbeat-book.js';
import type { MonitorOptions } from '../src/monitors/types.js';
import { getProvider } from '../src/providers/registry.js';
import { FileStateStore } from '../src/state/file.js';
import type { StateStore } from '../src/state/types.js';
import { systemClock, type Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { redactingProviders } from '../src/providers/redacting.js';
import type { EngineEvent } from '../src/outcome/types.js';

/** Options of {@link buildDeps}. */
export interface CliDepsOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The local state file (`--state`, default `.uptime/state.json`). */
  statePath: string;
  /** Keep incidents in local files next to the state (`incidents.json`, `incidents.md`); `none` for one-off commands. */
  incidents: 'file' | 'none';
  dryRun?: boolean;
  onEvent?: (event: EngineEvent) => void;
  clock?: Clock;
  /** Pings received by `watch --listen` (heartbeat monitors); absent = heartbeats are "not checked". */
  heartbeats?: HeartbeatView;
  /** Platform events received by `watch --listen`, quoted in the incident of a failed check. */
  recentEvents?: MonitorOptions['recentEvents'];
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The one place the CLI wires the core: config, providers from the registry, the real `fetch` and clock,
 * the HTTP probe, the local incident log and the local state file. Every command uses it.
 */
export function buildDeps(config: Config, options: CliDepsOptions): { deps: EngineDeps; store: StateStore } {
  const clock = options.clock ?? systemClock;
  const redact = runRedactor(options.env, config);
  const fetchImpl: typeof fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  const deps: EngineDeps = {
    config,
    provider: redactingProviders(getProvider, redact),
    providerContext: { env: options.env, fetch: fetchImpl, clock, logger: options.logger },
    probe: (service, probeOptions) =>
      probeMonitor(service, {
        fetch: fetchImpl,
        now: () => clock.now(),
        confirm: probeOptions?.confirm,
        heartbeats: options.heartbeats,
        recentEvents: options.recentEvents,
      }),
    incidents:
      options.incidents === 'file'
        ? new FileIncidentLog(incidentsPath(options.statePath), () => clock.now(), redact)
        : undefined,
    clock,
    logger: options.logger,
    dryRun: options.dryRun,
    onEvent: options.onEvent,
  };
  const store = new FileStateStore(options.statePath, {
    now: () => clock.now(),
    warn: (message) => options.logger.warn(message),
  });
  return { deps, store };
}

/** The local incident log's index lives beside the state file (`incidents.json`, log in `incidents.md`). */
export function incidentsPath(statePath: string): string {
  return join(statePath, '..', 'incidents.json');
}

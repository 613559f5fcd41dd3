import type { IncidentLog } from '../incidents/types.js';
import type { ConfirmPolicy } from '../monitor/types.js';
import type { EngineEvent } from '../outcome/types.js';
import type { RecoveryDeps } from '../recovery/executor.js';

/** One incident change a plan asks for; the executor applies them in order to the incident log. */
export type IncidentAction =
  /** Open the service's incident unless one is open. */
  | { type: 'open'; service: string; kind: 'down' | 'degraded'; at: number; body: string }
  /** Add a timeline entry to the service's open incident (none open: nothing). */
  | { type: 'comment'; service: string; body: string }
  /** Comment the resolution and close the service's open incident. */
  | { type: 'resolve'; service: string; at: number; durationMs: number; body: string; number?: number };

/**
 * Everything the engine needs, passed in (no env reads, no globals): what the recovery executor needs
 * (`RecoveryDeps`: the config, the providers, the probe, the clock, the logger, the store) and the rest.
 */
export interface EngineDeps extends RecoveryDeps {
  /** Incident log; none = no incidents (e.g. `check`). */
  incidents?: IncidentLog;
  /** Plan and report, change nothing (no provider call, no incident write). */
  dryRun?: boolean;
  /** Confirm re-probes before "down" (src/monitor/machine.ts). @default CONFIRM_POLICY (fast failures twice, timeouts once) */
  confirmPolicy?: ConfirmPolicy;
  /**
   * How far apart the runs are started (a scheduled run: its cron's interval). The time between two checks
   * counts as watched (for time-based uptime) when it is at most 3 × `healthCheckInterval` or, when this is
   * set, 1.5 × this interval: a sweep every 30 minutes watches the 30 minutes between its checks.
   */
  runIntervalMs?: number;
  onEvent?: (event: EngineEvent) => void;
}

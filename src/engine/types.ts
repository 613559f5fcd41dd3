import type { Config, ProviderType, RecoveryAction, ServiceConfig } from '../config/schema.js';
import type { Mode, Tuning } from '../config/presets.js';
import type { IncidentLog } from '../incidents/types.js';
import type { ConfirmPolicy, HealthStatus, ServiceHealth } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { Provider, ProviderContext } from '../providers/types.js';
import type { RecoveryAttempt, StateStore, UptimeState } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** One decision of the planner. */
export interface PlanItem {
  service: string;
  action: RecoveryAction | 'escalate';
  trigger: RecoveryAttempt['trigger'];
  /** Why, in words for the incident timeline. */
  reason: string;
}

/** Something that happened during a sweep; faces turn these into logs, comments and dashboards. */
export type EngineEvent =
  | { type: 'check'; service: string; result: ProbeResult; health: ServiceHealth }
  | { type: 'status'; service: string; from: HealthStatus; to: HealthStatus; reason: string; at: number }
  | {
      type: 'recovery-start';
      service: string;
      action: RecoveryAction;
      trigger: RecoveryAttempt['trigger'];
      reason: string;
      at: number;
    }
  | { type: 'recovery-end'; service: string; attempt: RecoveryAttempt }
  | { type: 'escalated'; service: string; reason: string; at: number }
  /** An error-budget burn-rate alert started (src/slo/burn.ts); sent once per episode. */
  | { type: 'burn'; service: string; kind: 'fast' | 'slow'; reason: string; at: number }
  | { type: 'waiting'; service: string; reason: string; nextAttemptAt: number }
  | { type: 'skipped'; service: string; reason: string }
  | { type: 'incident-opened'; service: string; number: number; url?: string }
  | { type: 'incident-resolved'; service: string; number: number; durationMs: number }
  | { type: 'error'; service?: string; message: string };

/** One incident change a plan asks for; the executor applies them in order to the incident log. */
export type IncidentAction =
  /** Open the service's incident unless one is open. */
  | { type: 'open'; service: string; kind: 'down' | 'degraded'; at: number; body: string }
  /** Add a timeline entry to the service's open incident (none open: nothing). */
  | { type: 'comment'; service: string; body: string }
  /** Comment the resolution and close the service's open incident. */
  | { type: 'resolve'; service: string; at: number; durationMs: number; body: string; number?: number };

/** Everything the engine needs, passed in (no env reads, no globals). */
export interface EngineDeps {
  config: Config;
  /** The provider for a service's `recovery.provider`. */
  provider: (type: ProviderType) => Provider;
  providerContext: ProviderContext;
  /** One health probe (src/probe). */
  probe: (service: ServiceConfig, options?: { confirm?: boolean }) => Promise<ProbeResult>;
  /** Incident log; none = no incidents (e.g. `check`). */
  incidents?: IncidentLog;
  clock: Clock;
  logger: Logger;
  /**
   * The shared state. When set, every recovery attempt is claimed in it (compare-and-swap, budget re-checked)
   * before the provider is called, so concurrent runs and commands can't overspend the restart budget.
   */
  store?: StateStore;
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

/** What one sweep found and did for one service. */
export interface ServiceOutcome {
  service: string;
  name: string;
  status: HealthStatus | 'paused';
  responseMs?: number;
  error?: string;
  /** Plans made this sweep (including in dry-run). */
  planned: PlanItem[];
  /** Recovery attempts carried out this sweep. */
  attempts: RecoveryAttempt[];
  /** Down at the start of the sweep or during it, and healthy at the end after recovery. */
  recovered: boolean;
  /**
   * The monitor could not make the probe (its own EMFILE): `error` says why; the health is unchanged and the
   * service is neither failing nor healthy this sweep.
   */
  unchecked?: true;
  /** Failing because this dependency fails (`dependsOn`): `incident` is then the dependency's. */
  causedBy?: string;
  incident?: number;
}

export interface SweepResult {
  /** The state after the sweep (a new object; the input is not mutated). */
  state: UptimeState;
  mode: Mode;
  tuning: Tuning;
  services: Record<string, ServiceOutcome>;
  events: EngineEvent[];
  /** Something worth writing happened: a status change, a recovery, an incident, a pause expiring. */
  changed: boolean;
  /** What the sweep wrote outside the state (incident issues, comments, recovery claims), in words. */
  writes: string[];
  /** The config's service ids: the records of any other service are dropped when the sweep is written. */
  configured?: string[];
}

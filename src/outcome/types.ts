import type { RecoveryAction } from '../config/schema.js';
import type { Mode, Tuning } from '../config/presets.js';
import type { HealthStatus, ServiceHealth } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { RecoveryAttempt, UptimeState } from '../state/types.js';

/**
 * What a sweep decides and reports: the planner's items, the events, each service's outcome and the sweep's
 * result. The engine writes them; recovery, history, notify, report and the faces read them, so they live
 * below all of those (docs/architecture.md, "Layers").
 */

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

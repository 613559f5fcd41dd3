import type { Transition } from '../config/notify.js';
import type { Mode } from '../config/presets.js';
import type { RecoveryAction } from '../config/schema.js';
import type { History } from './history-schema.js';
import type { ServiceHealth } from '../monitor/types.js';

/** Check counts; `responseMsTotal / ok` is the average response time. */
export interface CheckTotals {
  ok: number;
  total: number;
  slow: number;
  responseMsTotal: number;
}

/** One recovery attempt as recorded (the seed's "last repair and how long it took"). */
export interface RecoveryAttempt {
  /**
   * Unique per attempt (a random UUID): the claim written before the provider call and the final record share
   * it, so merges never fold two attempts into one. Absent in states written by older releases.
   */
  id?: string;
  /** True while the attempt is only claimed (written before the provider call, not finished yet). */
  pending?: boolean;
  action: RecoveryAction;
  /** Why: `down` (failed checks), `predictive` (degradation trend), `command` (a person asked). */
  trigger: 'down' | 'predictive' | 'command';
  /** Start (epoch ms). */
  at: number;
  /** From the provider call to healthy again (or to the verify deadline). */
  durationMs: number;
  /** The provider call succeeded. */
  providerOk: boolean;
  /** The service answered healthy within the verify deadline. */
  healthy: boolean;
  /** One line: the provider's detail or error. Never contains a secret. */
  detail: string;
  /** Who asked, for commands. */
  by?: string;
  /**
   * A person went past the restart budget or backoff (`restart --force`, `/restart api --force`): what the
   * budget said and why they overrode it, in words, for the incident and the audit.
   */
  forced?: string;
  /** The platform refused our token (401/403, Railway's Not Authorized): `doctor` is worth running. */
  authFailed?: boolean;
}

/** A stretch of downtime; open while `end` is undefined. */
export interface Outage {
  start: number;
  end?: number;
  reason?: string;
}

/** Everything kept about one service between runs. */
export interface ServiceRecord {
  health: ServiceHealth;
  /** All-time totals (since the record started). */
  checks: CheckTotals;
  /** Per UTC day (`YYYY-MM-DD`), kept 90 days. */
  daily: Record<string, CheckTotals>;
  /** Recent recovery attempts, newest last, bounded (50). */
  attempts: RecoveryAttempt[];
  /** Position on the escalation ladder for the current incident (0 = first action). */
  ladderStep: number;
  /** When recovery was handed to humans for the current incident. */
  escalatedAt?: number;
  /** Totals since the record started. */
  repairs: number;
  predictiveRestarts: number;
  /** Downtime intervals, kept 90 days. */
  outages: Outage[];
  /** Milliseconds watched (between consecutive checks no more than 3 intervals apart). */
  monitoredMs: number;
  /** First time this service was checked. */
  firstCheckAt?: number;
  /** The dependency (`dependsOn`) its current failure is recorded against (src/recovery/dependencies.ts). */
  causedBy?: string;
  /** The latest checks, for deploy analysis (src/recovery/deploy.ts): `[at, ok 1|0, responseMs]`, bounded. */
  recentChecks?: Array<[number, number, number]>;
  /** Checks per minute (older: per 10 minutes) for burn-rate alerts (src/slo/burn.ts): `[start, ok, total]`. */
  checkSeries?: Array<[number, number, number]>;
  /** Burn-rate alerts sent and not yet re-armed (src/slo/burn.ts): when each fired (epoch ms). */
  burnAlerts?: { fast?: number; slow?: number };
  /** The deployment deploy analysis last looked at (src/recovery/deploy-check.ts), so it is judged once. */
  deployChecked?: { id: string; at: number; verdict: 'ok' | 'worse' | 'undecided'; lookedAt?: number };
}

/** An open incident issue (or local incident) for a service. */
export interface IncidentRef {
  /** GitHub issue number, or a local sequence number. */
  number: number;
  url?: string;
  openedAt: number;
  kind: 'down' | 'degraded';
  /** `/ack` by this person: stop escalation mentions. */
  ackedBy?: string;
}

/** A maintenance window: no checks count, no recovery. */
export interface Pause {
  /** Until when (epoch ms); undefined = until `/resume`. */
  until?: number;
  by?: string;
  at: number;
}

/** What must survive between runs, shared by the Action, the bot and the CLI. */
export interface UptimeState {
  version: 1;
  /** The mode set by `/mode`; overrides the config's. */
  mode?: Mode;
  modeSetBy?: string;
  services: Record<string, ServiceRecord>;
  pauses: Record<string, Pause>;
  incidents: Record<string, IncidentRef>;
  /** Last sweep (epoch ms). */
  lastSweepAt?: number;
  /** Time nobody watched (cron gaps), recorded so it never counts as uptime. */
  unmonitored: Outage[];
  updatedAt?: number;
  /** Response-time history and the incident log for the status page (src/history); bounded. */
  history?: History;
  /** Ids of notifications already claimed (src/notify/once.ts), newest last, bounded (500). */
  notified?: string[];
  /** Messages recorded but not yet settled (src/notify/outbox.ts): sent again if their sender died. */
  outbox?: OutboxEntry[];
  /** Webhook deliveries already handled (id → epoch ms), src/commands/deliveries.ts; bounded by age. */
  deliveries?: Record<string, number>;
}

/**
 * Where the state lives: a local file (CLI) or a file on a git branch through the GitHub API (Action, bot).
 * `update` is the only write: it reads, applies `change`, and writes with compare-and-swap, re-reading and
 * re-applying on conflict, so two writers at once both survive.
 */
export interface StateStore {
  read(): Promise<UptimeState>;
  update(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState>;
  /** A write is owed now even without a change (a run that could not read the state, GitHub answering again). */
  owes?(): boolean;
}

/** One thing to tell people about (src/notify); declared with the state, whose outbox keeps it until sent. */
export interface NotificationEvent {
  /** `service:transition:anchor`: the same transition seen by two runs has the same id (sent once). */
  id: string;
  service: string;
  /** Display name. */
  serviceName: string;
  transition: Transition | 'test';
  /** When it happened (epoch ms). */
  at: number;
  /** Why, in one line (may come from the service's answer: it is neutralised before sending). */
  reason: string;
  incident?: { number: number; url?: string };
  /** For `resolved`: how long it was down or degraded. */
  durationMs?: number;
  /** The published status page, for a link. */
  pageUrl?: string;
  /** Earlier sends of this message that never settled (src/notify/outbox.ts); sent as `X-Uptime-Retries`. */
  tries?: number;
}

/** One message waiting for its send to settle. */
export interface OutboxEntry {
  event: NotificationEvent;
  /** When it was recorded (epoch ms). */
  queuedAt: number;
  /** Earlier sends that never settled (their process died). */
  tries: number;
  /** The process sending it now. */
  owner: OutboxOwner;
}

/** Who sends a pending message: a host, a process on it, a run of that process, and since when. */
export interface OutboxOwner {
  host: string;
  pid: number;
  run: string;
  at: number;
}

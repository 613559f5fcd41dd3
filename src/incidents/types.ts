import type { ServiceConfig } from '../config/schema.js';
import type { IncidentRef } from '../state/types.js';

/**
 * The audit log: one open incident per service at most. GitHub issues (Action, bot) or a local file (CLI).
 * Implementations find an open incident before opening one, so concurrent runs never make two.
 */
export interface IncidentLog {
  /** The open incident of a service, if any. */
  findOpen(service: ServiceConfig): Promise<IncidentRef | undefined>;
  /**
   * The open incident of each of `services` that has one, in one read: a run checks it against its state, so
   * an incident opened by a run whose state write never landed is still closed when its service is back.
   */
  openIncidents(services: readonly ServiceConfig[]): Promise<Record<string, IncidentRef>>;
  /** Finds or opens the incident; `body` is Markdown. */
  open(service: ServiceConfig, kind: 'down' | 'degraded', body: string, at: number): Promise<IncidentRef>;
  /** Adds a timeline entry (Markdown). */
  comment(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void>;
  /** Comments the resolution (`Resolved after 1m 32s`) and closes it. */
  resolve(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void>;
}

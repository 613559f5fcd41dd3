import type { Deployment, LogLine } from '../providers/types.js';

/** What the platform could tell about a service going down (docs/architecture.md, "A sweep"). Every field optional: platforms differ. */
export interface Forensics {
  service: string;
  /** When the outage (or the slow-down) began, epoch ms. */
  outageStart: number;
  latest?: Deployment;
  previousSuccessful?: Deployment;
  /** The last log lines before detection, oldest first (unredacted: the renderer redacts). */
  logs?: LogLine[];
  /** What could not be had, each said once in plain words ("railway cannot give logs: …"). */
  notes: string[];
  /** A predictive restart: the response times that triggered it, oldest first. */
  trend?: number[];
}

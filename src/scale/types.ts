import type { Mode } from '../config/presets.js';
import type { EngineDeps } from '../engine/types.js';
import type { StateStore } from '../state/types.js';

/** One watched repository as a worker uses it: the core wired for it (config inside `engine`) and its state. */
export interface RepoSession {
  engine: EngineDeps;
  store: StateStore;
}

/**
 * Opens a watched repository by its key (`owner/repo` for the GitHub App; any name in local mode). Called again
 * when the scheduler's `version` changes (a pushed config) and every `reloadEveryMs`.
 */
export type RepoOpener = (repo: string) => Promise<RepoSession>;

/** What a sweep job carries: the repository and the version of its config the bot last saw. */
export interface SweepJobData {
  repo: string;
  /** Changes when the config (or the mode) changes, so workers re-open the repository. */
  version?: string;
  /** The mode the scheduler was timed for; a worker that finds another in force re-times it. */
  mode?: Mode;
}

/** A request to one location: probe these services of this repository now. */
export interface ProbeJobData {
  repo: string;
  version?: string;
  services: string[];
  confirm: boolean;
  /** Epoch ms after which nobody waits for the answer any more: a late job is dropped, not probed. */
  deadline: number;
}

/** BullMQ's queue of sweeps: one Job Scheduler per repository. */
export const SWEEP_QUEUE = 'sweeps';

/** The queue of probe requests for one location. */
export function probeQueueName(location: string): string {
  return `probes-${location}`;
}

/** The prefix of every key this feature writes in Redis (BullMQ's own `bull` is not used). @default "uptime" */
export const DEFAULT_PREFIX = 'uptime';

const LOCATION = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

/**
 * Checks `UPTIME_LOCATION`. @throws Error naming the variable and the expected form.
 */
export function parseLocation(value: string | undefined): string {
  const location = (value ?? '').trim() || 'default';
  if (!LOCATION.test(location))
    throw new Error(
      `UPTIME_LOCATION: "${location}" is not a location name. Fix: use letters, digits, "-" and "_" (at most 32), such as fra or iad.`,
    );
  return location;
}

/** The quorum of locations a service asks for, or undefined (no `locations:`: today's behaviour). */
export function quorumOf(engine: EngineDeps, serviceId: string): number | undefined {
  const service = Object.hasOwn(engine.config.services, serviceId)
    ? engine.config.services[serviceId]
    : undefined;
  return service?.locations?.quorum ?? engine.config.locations?.quorum;
}

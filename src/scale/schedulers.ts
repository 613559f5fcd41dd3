import { field } from '../util/fields.js';
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { resolveTuning, type Mode } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import { effectiveMode } from '../engine/sweep.js';
import type { UptimeState } from '../state/types.js';
import type { SweepJobData } from './types.js';

/** A repository to watch and how often. */
export interface WatchedRepo {
  repo: string;
  /** The mode's `healthCheckInterval` (ms). */
  everyMs: number;
  /** Changes with the config or the mode: workers re-open the repository when it does. */
  version?: string;
  /** The mode `everyMs` comes from (workers re-time the scheduler when another is in force). */
  mode?: Mode;
}

/**
 * A repository's scheduler as it should be, for the bot and a local worker alike: the mode in force (a `/mode`
 * in the state wins over the config), that mode's interval, and a version (16 hex characters) that changes
 * with `versionSource(mode)`: the config and the mode, so workers re-open the repository when either changes.
 */
export function desiredScheduler(
  repo: string,
  config: Config,
  state: UptimeState,
  versionSource: (mode: Mode) => string,
): WatchedRepo {
  const mode = effectiveMode(config, state);
  const everyMs = resolveTuning(config, mode).healthCheckInterval;
  const version = createHash('sha256').update(versionSource(mode)).digest('hex').slice(0, 16);
  return { repo, everyMs, version, mode };
}

/** The Job Scheduler's id for a repository. */
export function schedulerId(repo: string): string {
  return `repo:${repo}`;
}

/** Sweep jobs are kept briefly for inspection (a day of failures), never forever. */
const SWEEP_JOB_OPTIONS = {
  removeOnComplete: { age: 3600, count: 200 },
  removeOnFail: { age: 86_400, count: 1000 },
};

/**
 * Where in each interval a repository's sweeps fall (ms): a stable hash of its name, so many repositories at the
 * same interval spread over it instead of all starting on the same boundary (BullMQ aligns `every` to it).
 */
export function offsetFor(repo: string, everyMs: number): number {
  return createHash('sha256').update(repo).digest().readUInt32BE(0) % everyMs;
}

/** Creates or updates the repository's scheduler (BullMQ `upsertJobScheduler`): one sweep job per interval. */
export async function upsertRepo(queue: Queue<SweepJobData>, watched: WatchedRepo): Promise<void> {
  await queue.upsertJobScheduler(
    schedulerId(watched.repo),
    { every: watched.everyMs, offset: offsetFor(watched.repo, watched.everyMs) },
    {
      name: 'sweep',
      data: { repo: watched.repo, version: watched.version, mode: watched.mode },
      opts: SWEEP_JOB_OPTIONS,
    },
  );
}

/** Stops watching a repository (uninstalled, config removed). */
export async function removeRepo(queue: Queue<SweepJobData>, repo: string): Promise<boolean> {
  return queue.removeJobScheduler(schedulerId(repo));
}

/**
 * Makes the queue's schedulers exactly `desired`: upserts each (an unchanged one keeps its rhythm), removes
 * the schedulers of repositories no longer listed. Returns what changed, by repository.
 */
export async function syncSchedulers(
  queue: Queue<SweepJobData>,
  desired: WatchedRepo[],
): Promise<{ upserted: string[]; removed: string[] }> {
  const existing = await queue.getJobSchedulers(0, -1);
  const byId = new Map(existing.map((s) => [s.key, s]));
  const wanted = new Set(desired.map((w) => schedulerId(w.repo)));
  const upserted: string[] = [];
  for (const watched of desired) {
    const current = byId.get(schedulerId(watched.repo));
    // What Redis holds (any writer's): read field by field, compared, never trusted as SweepJobData.
    const data: unknown = current?.template?.data;
    if (
      current &&
      Number(current.every) === watched.everyMs &&
      field(data, 'version') === watched.version &&
      field(data, 'mode') === watched.mode
    )
      continue;
    await upsertRepo(queue, watched);
    upserted.push(watched.repo);
  }
  const removed: string[] = [];
  for (const scheduler of existing) {
    if (wanted.has(scheduler.key) || !scheduler.key.startsWith('repo:')) continue;
    await queue.removeJobScheduler(scheduler.key);
    removed.push(scheduler.key.slice('repo:'.length));
  }
  return { upserted, removed };
}

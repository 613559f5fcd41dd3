import { runScheduled, type ScheduledRunResult } from '../engine/scheduled.js';
import type { EngineDeps } from '../engine/types.js';
import type { RepoSession } from './types.js';

/**
 * The one place a worker calls the core: one sweep of one repository as a scheduled run does it (read the
 * state, probe, confirm, recover with the budget claimed in the state, write with compare-and-swap, claim and
 * send notifications), with the worker's quorum-aware `probe`. Kept to this one function so the core's sweep
 * use case can be re-pointed here in one line.
 */
export function sweepRepository(
  session: RepoSession,
  probe: EngineDeps['probe'],
): Promise<ScheduledRunResult> {
  return runScheduled({ deps: { ...session.engine, probe }, store: session.store, watchMs: 0 });
}

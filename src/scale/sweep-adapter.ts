import type { EngineDeps } from '../engine/types.js';
import { runSweep, type RunSweepResult } from '../run/sweep.js';
import type { RepoSession } from './types.js';

/**
 * The one place a worker calls the core: one sweep of one repository through the core's use case
 * (src/run/sweep.ts), as the Action's scheduled run does it (read the state, probe, confirm, recover with the
 * budget claimed in the state, write with compare-and-swap, send the notifications), with the worker's
 * quorum-aware `probe`.
 */
export function sweepRepository(session: RepoSession, probe: EngineDeps['probe']): Promise<RunSweepResult> {
  return runSweep({ deps: { ...session.engine, probe }, store: session.store, watchMs: 0 });
}

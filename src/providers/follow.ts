/**
 * Following a deployment (or machines, or dynos) until the platform says it is done: one polling loop for
 * every provider, sleeping through `ctx.clock` so tests run on a virtual clock.
 */
import type { ProviderContext } from './types.js';

/** What one poll saw. */
export interface PollState {
  /** The platform's word for it, e.g. `DEPLOYING`, `live`, `up`. */
  state: string;
  done?: boolean;
  failed?: boolean;
}

export interface FollowResult {
  outcome: 'done' | 'failed' | 'timeout';
  /** The last state seen. */
  state: string;
  polls: number;
  elapsedMs: number;
}

export interface FollowOptions {
  /** Between polls, in ms. */
  intervalMs: number;
  /** Give up after this long, in ms. */
  deadlineMs: number;
  /**
   * Failure states seen during this first stretch (ms) are treated as "not yet changed": right after a
   * restart the platform may still report the crash that caused it. @default 0
   */
  graceMs?: number;
}

/** Polls `check` until done, failed (after the grace period) or the deadline; the first poll is immediate. */
export async function follow(
  ctx: ProviderContext,
  check: () => Promise<PollState>,
  options: FollowOptions,
): Promise<FollowResult> {
  const start = ctx.clock.now();
  let polls = 0;
  for (;;) {
    const seen = await check();
    polls++;
    const elapsedMs = ctx.clock.now() - start;
    if (seen.done) return { outcome: 'done', state: seen.state, polls, elapsedMs };
    if (seen.failed && elapsedMs >= (options.graceMs ?? 0))
      return { outcome: 'failed', state: seen.state, polls, elapsedMs };
    if (elapsedMs + options.intervalMs > options.deadlineMs || ctx.signal?.aborted) {
      return { outcome: 'timeout', state: seen.state, polls, elapsedMs };
    }
    await ctx.clock.sleep(options.intervalMs, ctx.signal);
  }
}

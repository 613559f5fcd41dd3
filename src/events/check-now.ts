/**
 * "Check these services now": platform events and `/fail` pings ask, the watch loop waits on it between sweeps
 * (src/engine/watch.ts `checkNow`) and runs a sweep of just those services as soon as one is asked for. Asks
 * for a service already waiting are one check (duplicated events cost nothing more).
 */
import type { Clock } from '../util/clock.js';

export class CheckNow {
  private readonly waiting = new Set<string>();
  private wake?: () => void;

  /** Services waiting for their check. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Asks for a check of these services as soon as the watch loop can. */
  request(services: readonly string[]): void {
    if (services.length === 0) return;
    for (const id of services) this.waiting.add(id);
    this.wake?.();
  }

  /**
   * Sleeps up to `ms`; resolves early with the services asked for meanwhile (or already waiting), or with
   * undefined when the time ran out or `signal` aborted.
   */
  async wait(ms: number, clock: Clock, signal?: AbortSignal): Promise<string[] | undefined> {
    if (this.waiting.size === 0 && ms > 0 && !signal?.aborted) {
      const early = new AbortController();
      this.wake = () => early.abort();
      try {
        await clock.sleep(ms, signal ? AbortSignal.any([signal, early.signal]) : early.signal);
      } finally {
        this.wake = undefined;
      }
    }
    if (this.waiting.size === 0 || signal?.aborted) return undefined;
    const ids = [...this.waiting];
    this.waiting.clear();
    return ids;
  }
}

import { rateLimitOf } from '../github/client.js';
import { MemoryStateStore } from '../state/memory.js';
import { rebaseOffline } from '../state/rebase.js';
import { emptyState } from '../state/records.js';
import type { StateStore, UptimeState } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import type { Logger } from '../util/logger.js';

/** The first wait after a failed try, doubled after each failure up to {@link MAX_WAIT_MS}. */
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 5 * 60_000;

/**
 * The state of a run that could not read the shared state at its start (GitHub down, answering 5xx or a rate
 * limit). The sweeps go on in memory, from an empty state; now and then (backing off from 30 s to 5 min, and
 * never before GitHub's own `retry-after`) the run's next write asks GitHub again. Once GitHub answers,
 * what the run owes is laid onto the shared state read fresh ({@link rebaseOffline}: its checks added, its
 * attempts and outages joined, its view of each service's health the newest), and from then on the run reads
 * and writes the shared state as usual. Nothing is written on a state that was never read.
 */
export class OfflineStore implements StateStore {
  private readonly memory: MemoryStateStore;
  private online = false;
  private nextTryAt: number;
  private wait = FIRST_WAIT_MS;
  private tries = 0;
  private written = false;

  constructor(
    private readonly shared: StateStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    failure: unknown,
  ) {
    this.memory = new MemoryStateStore(emptyState(), { now: () => clock.now() });
    this.nextTryAt = clock.now() + this.waitAfter(failure);
  }

  /** Whether the owed state reached GitHub during the run. */
  get wrote(): boolean {
    return this.written;
  }

  async read(): Promise<UptimeState> {
    return this.online ? this.shared.read() : this.memory.read();
  }

  /** Time to ask GitHub again: the watch writes (through {@link update}) even after a sweep that changed nothing. */
  owes(): boolean {
    return !this.online && this.clock.now() >= this.nextTryAt;
  }

  async update(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState> {
    if (this.online) return this.write(change);
    const offline = await this.memory.update(change);
    return (await this.reconnect()) ?? offline;
  }

  private async write(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState> {
    const state = await this.shared.update(change);
    this.written = true;
    return state;
  }

  /** When it is time, writes what the run owes onto the shared state; the state written, or undefined. */
  private async reconnect(): Promise<UptimeState | undefined> {
    if (this.clock.now() < this.nextTryAt) return undefined;
    this.tries++;
    const owed = await this.memory.read();
    try {
      const state = await this.write((shared) => rebaseOffline(shared, owed));
      this.online = true;
      this.logger.info(
        `GitHub answers again (try ${this.tries}): wrote the checks and repairs of this run so far to the shared state.`,
      );
      return state;
    } catch (error) {
      this.nextTryAt = this.clock.now() + this.waitAfter(error);
      this.logger.debug(
        `The shared state is still unavailable (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); asking again in ${formatDuration(this.nextTryAt - this.clock.now())}.`,
      );
      return undefined;
    }
  }

  /** GitHub's own `retry-after` when it gave one, else the doubling wait. */
  private waitAfter(error: unknown): number {
    const limit = rateLimitOf(error) ?? rateLimitOf(error instanceof Error ? error.cause : undefined);
    const wait = this.wait;
    this.wait = Math.min(this.wait * 2, MAX_WAIT_MS);
    return Math.max(wait, limit?.retryAfterS !== undefined ? limit.retryAfterS * 1000 : 0);
  }
}

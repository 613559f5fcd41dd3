import { emptyState, pruneState } from './records.js';
import type { StateStore, UptimeState } from './types.js';
import { StateError, parseState } from './validate.js';

/** Options of {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** Clock for pruning and `updatedAt`. @default Date.now */
  now?: () => number;
  /** Test aid: every Nth write finds the state changed by "someone else" and must re-read and re-apply. */
  conflictEvery?: number;
  /** Compare-and-swap rounds before `update` gives up. @default 100 */
  maxAttempts?: number;
}

/**
 * The state in memory, with the file store's semantics: reads return a fresh copy, `update` is
 * compare-and-swap (re-applies `change` when another update landed in between) and prunes on write.
 * For tests, `demo`, and runs that need no persistence.
 */
export class MemoryStateStore implements StateStore {
  /** Successful writes. */
  writes = 0;
  /** Compare-and-swap conflicts (real or injected) that made an update re-apply its change. */
  conflicts = 0;
  private text: string;
  private parsed?: { text: string; state: UptimeState };
  private version = 0;
  private attempts = 0;
  private readonly now: () => number;
  private readonly conflictEvery?: number;
  private readonly maxAttempts: number;

  constructor(initial: UptimeState = emptyState(), options: MemoryStateStoreOptions = {}) {
    this.text = JSON.stringify(initial);
    this.now = options.now ?? Date.now;
    this.conflictEvery = options.conflictEvery;
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  async read(): Promise<UptimeState> {
    return this.parse();
  }

  /** Same contract as `FileStateStore.update`: `change` may run more than once. */
  async update(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState> {
    for (let round = 1; round <= this.maxAttempts; round++) {
      const version = this.version;
      const state = this.parse();
      const now = this.now();
      const next: UptimeState = { ...pruneState(change(state) ?? state, now), updatedAt: now };
      // Yield like a real write would, so concurrent updates interleave.
      await Promise.resolve();
      this.attempts++;
      const injected = this.conflictEvery !== undefined && this.attempts % this.conflictEvery === 0;
      if (injected || version !== this.version) {
        this.conflicts++;
        continue;
      }
      this.text = JSON.stringify(next);
      this.version++;
      this.writes++;
      return this.parse();
    }
    throw new StateError(`State in memory: gave up after ${this.maxAttempts} conflicting attempts.`);
  }

  /**
   * A fresh copy of the stored text's state. Parsing it (the one schema) is most of a write's cost, and the text
   * only changes on a write: its parse is kept, and each caller gets a copy.
   */
  private parse(): UptimeState {
    if (this.parsed?.text !== this.text)
      this.parsed = { text: this.text, state: parseState(this.text, 'in memory') };
    return structuredClone(this.parsed.state);
  }
}

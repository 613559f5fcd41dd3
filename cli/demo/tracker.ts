import { formatDuration } from '../../src/util/duration.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/**
 * Keeps the engine's events of the demo in order and lets the scenario wait for the next one that matches
 * ("backend went down"), with a deadline and Ctrl-C.
 */
export class EventTracker {
  private readonly events: EngineEvent[] = [];
  private readonly waiters = new Set<() => void>();

  /** Record one event (the engine's `onEvent`). */
  readonly push = (event: EngineEvent): void => {
    this.events.push(event);
    for (const wake of [...this.waiters]) wake();
  };

  /** Position of the next event; pass it as `from` to wait only for later events. */
  get mark(): number {
    return this.events.length;
  }

  /** The events since `from` that match. */
  since<T extends EngineEvent>(from: number, match: (e: EngineEvent) => e is T): T[] {
    return this.events.slice(from).filter(match);
  }

  /** Index of an event seen before (-1 when not seen). */
  indexOf(event: EngineEvent): number {
    return this.events.indexOf(event);
  }

  /** The first event from `from` on that matches; rejects after `timeoutMs` (naming `what`) or on abort. */
  async waitFor<T extends EngineEvent>(
    what: string,
    match: (e: EngineEvent) => e is T,
    options: { from: number; timeoutMs: number; signal: AbortSignal },
  ): Promise<T> {
    let found: T | undefined;
    await this.waitUntil(
      what,
      () => (found = this.events.slice(options.from).find(match)) !== undefined,
      options,
    );
    return found as T;
  }

  /** Resolves once `condition` holds (checked now and after every event); rejects after `timeoutMs` or on abort. */
  waitUntil(
    what: string,
    condition: () => boolean,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (options.signal.aborted) return reject(new Error(`interrupted while waiting for ${what}`));
      const timer = setTimeout(
        () => finish(new Error(`gave up after ${formatDuration(options.timeoutMs)} waiting for ${what}`)),
        options.timeoutMs,
      );
      const finish = (error?: Error) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        options.signal.removeEventListener('abort', aborted);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (condition()) finish();
      };
      const aborted = () => finish(new Error(`interrupted while waiting for ${what}`));
      this.waiters.add(check);
      options.signal.addEventListener('abort', aborted, { once: true });
      check();
    });
  }
}

type Of<K extends EngineEvent['type']> = Extract<EngineEvent, { type: K }>;

/** Matchers for the scenario. */
export const is = {
  status:
    (service: string, to: Of<'status'>['to']) =>
    (e: EngineEvent): e is Of<'status'> =>
      e.type === 'status' && e.service === service && e.to === to,
  check:
    (service: string, ok?: (e: Of<'check'>) => boolean) =>
    (e: EngineEvent): e is Of<'check'> =>
      e.type === 'check' && e.service === service && (ok ? ok(e) : true),
  recoveryStart:
    (service: string, trigger?: Of<'recovery-start'>['trigger']) =>
    (e: EngineEvent): e is Of<'recovery-start'> =>
      e.type === 'recovery-start' &&
      e.service === service &&
      (trigger === undefined || e.trigger === trigger),
  recoveryEnd:
    (service: string) =>
    (e: EngineEvent): e is Of<'recovery-end'> =>
      e.type === 'recovery-end' && e.service === service,
};

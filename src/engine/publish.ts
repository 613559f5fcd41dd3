import { historyWantsWrite, recordSweep, samplesFromEvents, type Sample } from '../history/index.js';
import {
  claimNotifications,
  failureTimelineEntry,
  notificationEvents,
  pendingNotifications,
} from '../notify/index.js';
import type { NotifyFailure } from '../notify/index.js';
import { sendNotifications } from '../notify/index.js';
import { hasOrphans, outboxOwner, settleOutbox, stepOutbox } from '../notify/outbox.js';
import { forgetUnconfigured } from '../state/records.js';
import type { IncidentRef, StateStore, UptimeState, NotificationEvent, OutboxEntry } from '../state/types.js';
import type { EngineDeps } from './types.js';
import type { SweepResult } from '../outcome/types.js';

/**
 * What a run does after each sweep besides the sweep's own write (docs/architecture.md, "A sweep"): book the response-time history
 * (a healthy repository writes at most once an hour for it), claim the sweep's notifications inside the same
 * compare-and-swap update (so each transition is sent once across concurrent runs), and send them **after**
 * the write, in the background: a receiver that hangs never delays a sweep. Each batch is settled when it
 * finishes (a failure lands in the incident's timeline then, not at the end of the run); a run awaits what is
 * still in flight only at its end, within a bounded time (`finish`).
 */

/** Options of {@link Publisher}. */
export interface PublisherOptions {
  /** Budget for one message, retries included (ms). @default 10000 */
  messageTimeoutMs?: number;
  /** The longest the end of the run waits for messages still in flight (ms). @default 15000 */
  finishBudgetMs?: number;
  /** Waits between retries (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** Entries {@link PublishReport} keeps of `claimed` and `failures` (the newest); the counts keep the totals. */
export const REPORT_KEEP = 20;

/** Samples kept per service between two writes (a write that keeps failing must not grow the watch). */
export const MAX_PENDING_SAMPLES = 5_000;

/** Transitions kept waiting for a write (far more than a sweep has; the newest are kept). */
const MAX_PENDING_EVENTS = 200;

/**
 * What the publisher did so far. Bounded however long the watch: counts, and only the newest
 * {@link REPORT_KEEP} claimed notifications and failures.
 */
export interface PublishReport {
  /** State writes made only for the history (a healthy sweep's hourly sample). */
  historyWrites: number;
  /** The newest notifications claimed (and so sent or tried), oldest first; `claimedCount` counts all. */
  claimed: NotificationEvent[];
  claimedCount: number;
  /** Messages delivered. */
  sent: number;
  /** The newest failed messages, oldest first (each also recorded in its incident's timeline when it failed). */
  failures: NotifyFailure[];
  /** Messages that failed, all of them. */
  failed: number;
  /** Messages still in flight when the last `finish()` ran out of budget. */
  unfinished: boolean;
}

/**
 * Books sweeps, claims their notifications in the state's compare-and-swap write and sends them. Made for a
 * watch of any length: each batch of messages is settled as it finishes (counted, a failure recorded in its
 * incident's timeline at once) and dropped, so nothing already sent is kept.
 */
export class Publisher {
  private samples: Record<string, Sample[]> = {};
  private events: NotificationEvent[] = [];
  private lastClaim: NotificationEvent[] = [];
  /** This process in the outbox (src/notify/outbox.ts): messages it records are its own to send. */
  private readonly me = outboxOwner(0);
  /** Messages whose send settled here, not yet removed from the stored outbox. */
  private readonly settled = new Set<string>();
  /**
   * Messages this publisher has started to send and that may still be in the stored outbox. One of its own
   * pending messages missing here was recorded by a write whose answer was lost, and is sent by the next write.
   */
  private dispatched = new Set<string>();
  /** What the last `apply` removed from the outbox and dropped for its age. */
  private lastSettled: string[] = [];
  private lastExpired: OutboxEntry[] = [];
  /** Batches of messages being sent; each removes itself when settled. */
  private readonly sending = new Set<Promise<void>>();
  private readonly report: PublishReport = {
    historyWrites: 0,
    claimed: [],
    claimedCount: 0,
    sent: 0,
    failures: [],
    failed: 0,
    unfinished: false,
  };

  constructor(
    private readonly deps: EngineDeps,
    private readonly options: PublisherOptions = {},
  ) {}

  /** Batches of messages in flight now. */
  get inFlight(): number {
    return this.sending.size;
  }

  /** A copy of what was done so far (bounded, see {@link PublishReport}). */
  snapshot(): PublishReport {
    return { ...this.report, claimed: [...this.report.claimed], failures: [...this.report.failures] };
  }

  /** Books a sweep's samples and transitions; they are written by the next {@link apply}. */
  observe(result: SweepResult): void {
    for (const [service, list] of Object.entries(samplesFromEvents(result.events))) {
      const kept = (this.samples[service] ??= []);
      kept.push(...list);
      if (kept.length > MAX_PENDING_SAMPLES) kept.splice(0, kept.length - MAX_PENDING_SAMPLES);
    }
    if (this.deps.config.notify?.length) {
      this.events.push(...notificationEvents(result.events, result.state, this.deps.config));
      if (this.events.length > MAX_PENDING_EVENTS)
        this.events.splice(0, this.events.length - MAX_PENDING_EVENTS);
    }
  }

  /** Whether `state` needs a write for what was observed alone (the hour's first sample, an unsent transition). */
  wantsWrite(state: UptimeState): boolean {
    return (
      historyWantsWrite(state, this.samples, this.deps.clock.now()) ||
      pendingNotifications(state, this.events).length > 0 ||
      hasOrphans(state, this.me, this.deps.clock.now())
    );
  }

  /**
   * Runs inside the store's compare-and-swap `update` (re-run on a conflict against the other writer's state):
   * books the history and claims the notifications not yet claimed by anyone. `merge`: the state is written
   * anyway, so the samples join the current hour.
   */
  apply(state: UptimeState, merge: boolean): UptimeState {
    const current = forgetUnconfigured(state, Object.keys(this.deps.config.services));
    const claim = claimNotifications(this.record(current, merge), this.events);
    // The outbox hook: the claimed messages are recorded as pending in this same write, and pending ones
    // left by a process that died are taken over (src/notify/outbox.ts).
    const step = stepOutbox(claim.state, claim.claimed, {
      me: this.me,
      now: this.deps.clock.now(),
      settled: this.settled,
      dispatched: this.dispatched,
    });
    // Forget what left the stored outbox (settled here or by another run): the set stays as small as it is.
    const stored = new Set((current.outbox ?? []).map((e) => e.event.id));
    this.dispatched = new Set([...this.dispatched].filter((id) => stored.has(id)));
    this.lastClaim = step.toSend.map((e) => (e.tries ? { ...e.event, tries: e.tries } : e.event));
    this.lastSettled = [...this.settled];
    this.lastExpired = step.expired;
    return step.state;
  }

  /**
   * After the write landed: what was claimed is ours to send (in the background, settled as it finishes).
   * With `store`, a settled batch is removed from the stored outbox by a write of its own; without, by the
   * next write.
   */
  written(store?: StateStore): void {
    const mine = this.lastClaim;
    const expired = this.lastExpired;
    for (const id of this.lastSettled) this.settled.delete(id);
    this.samples = {};
    this.events = [];
    this.lastClaim = [];
    this.lastSettled = [];
    this.lastExpired = [];
    if (this.deps.dryRun) return;
    for (const entry of expired) void this.recordFailure(expiredFailure(entry), [entry.event]);
    if (mine.length === 0) return;
    for (const event of mine) this.dispatched.add(event.id);
    this.dispatch(mine, store);
  }

  /** Sends `mine` in the background and settles it (removed from the stored outbox through `store`, if any). */
  private dispatch(mine: NotificationEvent[], store?: StateStore): void {
    this.report.claimedCount += mine.length;
    keepNewest(this.report.claimed, mine);
    const job: Promise<void> = this.send(mine)
      .then(() => this.settle(store, mine))
      .catch((error: unknown) =>
        this.deps.logger.warn(
          `notifications could not be settled: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => this.sending.delete(job));
    this.sending.add(job);
  }

  /**
   * The run ends without its write: the transitions observed since the last write were claimed nowhere, and
   * no later run will know of them. Sends them now, unrecorded (a concurrent run that did record one sends it
   * too, with the same id), rather than lose a "down".
   */
  sendUnrecorded(state: UptimeState): void {
    const mine = pendingNotifications(state, this.events);
    this.events = [];
    if (this.deps.dryRun || mine.length === 0) return;
    this.deps.logger.warn(
      `the state could not be written: sending ${mine.length} notification(s) without recording them (a repeat carries the same X-Uptime-Id)`,
    );
    this.dispatch(mine);
  }

  /** Marks a batch settled: removed from the stored outbox now (`store`) or by the next write. */
  private async settle(store: StateStore | undefined, batch: NotificationEvent[]): Promise<void> {
    const ids = new Set(batch.map((e) => e.id));
    for (const id of ids) this.settled.add(id);
    if (!store) return;
    await store.update((fresh) => settleOutbox(fresh, ids));
    for (const id of ids) this.settled.delete(id);
  }

  /** Counts a write made only for what this publisher observed. */
  countHistoryWrite(): void {
    this.report.historyWrites++;
  }

  /**
   * Waits (at most `finishBudgetMs`) for the messages still in flight; failures were already recorded in their
   * incidents' timelines as they happened. Never throws; may be called more than once.
   */
  async finish(): Promise<PublishReport> {
    if (this.sending.size === 0) return this.snapshot();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.finishBudgetMs ?? 15_000);
      timer.unref?.();
    });
    const done = await Promise.race([Promise.all([...this.sending]).then(() => 'done' as const), budget]);
    clearTimeout(timer);
    this.report.unfinished = done === 'late';
    if (done === 'late')
      this.deps.logger.warn(
        `${this.sending.size} batch(es) of notifications were still being sent when the run ended; they may not arrive.`,
      );
    return this.snapshot();
  }

  /** Sends one write's claimed messages and settles them: counts, and each failure in its incident's timeline. */
  private async send(mine: NotificationEvent[]): Promise<void> {
    const { env, fetch, configFetch } = this.deps.providerContext;
    const result = await sendNotifications(this.deps.config.notify ?? [], mine, {
      // URLs from the config go through the hosted guard (private targets), like the webhook provider.
      fetch: configFetch ?? fetch,
      env,
      timeoutMs: this.options.messageTimeoutMs,
      sleep: this.options.sleep,
    });
    this.report.sent += result.sent;
    this.report.failed += result.failures.length;
    keepNewest(this.report.failures, result.failures);
    for (const failure of result.failures) await this.recordFailure(failure, mine);
  }

  private record(state: UptimeState, merge: boolean): UptimeState {
    return recordSweep(state, this.samples, this.deps.clock.now(), {
      merge,
      services: Object.keys(this.deps.config.services),
    });
  }

  private async recordFailure(failure: NotifyFailure, claimed: NotificationEvent[]): Promise<void> {
    this.deps.logger.warn(failure.message);
    const service = this.deps.config.services[failure.service];
    const event = claimed.find((e) => e.id === failure.eventId);
    const number = event?.incident?.number;
    if (!service || !this.deps.incidents || number === undefined) return;
    const ref: IncidentRef = { number, url: event?.incident?.url, openedAt: event?.at ?? 0, kind: 'down' };
    try {
      await this.deps.incidents.comment(service, ref, failureTimelineEntry(failure));
    } catch (error) {
      this.deps.logger.warn(
        `could not record the failed notification on incident #${number}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The timeline line of a message dropped from the outbox for its age. */
function expiredFailure(entry: OutboxEntry): NotifyFailure {
  const { event } = entry;
  return {
    eventId: event.id,
    service: event.service,
    target: 'outbox',
    message: `Notification about "${event.transition}" of ${event.service || 'the test'} (recorded ${new Date(entry.queuedAt).toISOString()}) was never confirmed sent after ${entry.tries + 1} tries; dropped after 24 h.`,
  };
}

/** Appends `items` to `list`, keeping only the newest {@link REPORT_KEEP}. */
function keepNewest<T>(list: T[], items: T[]): void {
  list.push(...items);
  if (list.length > REPORT_KEEP) list.splice(0, list.length - REPORT_KEEP);
}

import { recordSweep, samplesFromEvents, type Sample } from '../history/index.js';
import {
  claimNotifications,
  failureTimelineEntry,
  notificationEvents,
  pendingNotifications,
} from '../notify/index.js';
import type { NotificationEvent, NotifyFailure, SendResult } from '../notify/index.js';
import { sendNotifications } from '../notify/index.js';
import type { IncidentRef, StateStore, UptimeState } from '../state/types.js';
import { mergeSweep, withSweptRecords } from './sweep.js';
import type { EngineDeps, SweepResult } from './types.js';

/**
 * What a run does after each sweep besides the sweep's own write (issue 12): book the response-time history
 * (a healthy repository writes at most once an hour for it), claim the sweep's notifications inside the same
 * compare-and-swap update (so each transition is sent once across concurrent runs), and send them **after**
 * the write, in the background; the run awaits them only at its end, within a bounded time.
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

/** What the publisher did over a run. */
export interface PublishReport {
  /** State writes made only for the history (a healthy sweep's hourly sample). */
  historyWrites: number;
  /** Notifications this run claimed (and so sent or tried). */
  claimed: NotificationEvent[];
  sent: number;
  failures: NotifyFailure[];
  /** Messages still in flight when the budget ran out. */
  unfinished: boolean;
}

/** Books sweeps, claims their notifications in the state's compare-and-swap write and sends them. */
export class Publisher {
  private samples: Record<string, Sample[]> = {};
  private events: NotificationEvent[] = [];
  private lastClaim: NotificationEvent[] = [];
  private readonly sending: Array<Promise<SendResult>> = [];
  private readonly report: PublishReport = {
    historyWrites: 0,
    claimed: [],
    sent: 0,
    failures: [],
    unfinished: false,
  };

  constructor(
    private readonly deps: EngineDeps,
    private readonly options: PublisherOptions = {},
  ) {}

  /** Books a sweep's samples and transitions; they are written by the next {@link apply}. */
  observe(result: SweepResult): void {
    for (const [service, list] of Object.entries(samplesFromEvents(result.events)))
      (this.samples[service] ??= []).push(...list);
    if (this.deps.config.notify?.length)
      this.events.push(...notificationEvents(result.events, result.state, this.deps.config));
  }

  /** Whether `state` needs a write for what was observed alone (the hour's first sample, an unsent transition). */
  wantsWrite(state: UptimeState): boolean {
    return this.record(state, false) !== state || pendingNotifications(state, this.events).length > 0;
  }

  /**
   * Runs inside the store's compare-and-swap `update` (re-run on a conflict against the other writer's state):
   * books the history and claims the notifications not yet claimed by anyone. `merge`: the state is written
   * anyway, so the samples join the current hour.
   */
  apply(state: UptimeState, merge: boolean): UptimeState {
    const claim = claimNotifications(this.record(state, merge), this.events);
    this.lastClaim = claim.claimed;
    return claim.state;
  }

  /** After the write landed: what was claimed is ours to send (in the background). */
  written(): void {
    const mine = this.lastClaim;
    this.samples = {};
    this.events = [];
    this.lastClaim = [];
    if (mine.length === 0 || this.deps.dryRun) return;
    this.report.claimed.push(...mine);
    const { env, fetch, configFetch } = this.deps.providerContext;
    this.sending.push(
      sendNotifications(this.deps.config.notify ?? [], mine, {
        // URLs from the config go through the hosted guard (private targets), like the webhook provider.
        fetch: configFetch ?? fetch,
        env,
        timeoutMs: this.options.messageTimeoutMs,
        sleep: this.options.sleep,
      }),
    );
  }

  /**
   * One sweep, written when it changed something or the history/notifications need it; returns the state
   * after it. The scheduled run calls this instead of writing the sweep itself.
   */
  async afterSweep(store: StateStore, result: SweepResult): Promise<UptimeState> {
    this.observe(result);
    if (!result.changed && !this.wantsWrite(result.state)) return result.state;
    if (!result.changed) this.countHistoryWrite();
    // A write only for the history keeps the sweep's records too (withSweptRecords: a page rendered from
    // state.json showed a service healthy since its first check as "unknown").
    const state = await store.update((fresh) =>
      this.apply(
        result.changed ? mergeSweep(fresh, result) : withSweptRecords(fresh, result),
        result.changed,
      ),
    );
    this.written();
    return state;
  }

  /** Counts a write made only for what this publisher observed. */
  countHistoryWrite(): void {
    this.report.historyWrites++;
  }

  /**
   * Waits (at most `finishBudgetMs`) for the messages in flight and records each failed one in its incident's
   * timeline. Never throws.
   */
  async finish(): Promise<PublishReport> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.finishBudgetMs ?? 15_000);
      timer.unref?.();
    });
    const done = await Promise.race([Promise.all(this.sending), budget]);
    clearTimeout(timer);
    if (done === 'late') {
      this.report.unfinished = true;
      this.deps.logger.warn(
        'Some notifications were still being sent when the run ended; they may not arrive.',
      );
      return this.report;
    }
    for (const result of done) {
      this.report.sent += result.sent;
      this.report.failures.push(...result.failures);
    }
    for (const failure of this.report.failures) await this.recordFailure(failure);
    return this.report;
  }

  private record(state: UptimeState, merge: boolean): UptimeState {
    return recordSweep(state, this.samples, this.deps.clock.now(), {
      merge,
      services: Object.keys(this.deps.config.services),
    });
  }

  private async recordFailure(failure: NotifyFailure): Promise<void> {
    this.deps.logger.warn(failure.message);
    const service = this.deps.config.services[failure.service];
    const event = this.report.claimed.find((e) => e.id === failure.eventId);
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

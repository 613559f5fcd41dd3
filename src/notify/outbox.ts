import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { processAlive } from '../util/process.js';
import type { NotificationEvent, OutboxEntry, OutboxOwner } from '../state/types.js';

/**
 * At-least-once notifications. A message is recorded as pending (`state.outbox`) in the same compare-and-swap
 * write that records its transition, sent after that write, and removed once its send has settled (delivered,
 * or failed and written to the incident's timeline). A process killed between the write and the end of the
 * send leaves its messages pending: the next run, sweep or watch tick that writes the state takes them over
 * and sends them again, with their original time (`event.at`) and the number of earlier tries. Each message
 * keeps one id (`X-Uptime-Id`, the webhook payload's `id`) so a receiver can drop a repeat. Bounded: at most
 * {@link MAX_OUTBOX} messages, none older than {@link OUTBOX_MAX_AGE_MS} (dropped with a timeline line).
 * Pure functions over the state; the engine's Publisher calls them inside its write.
 */

/** The state as the outbox sees it. */
export interface StateWithOutbox {
  outbox?: OutboxEntry[];
}

/** Pending messages kept at most (the newest). */
export const MAX_OUTBOX = 200;
/** A message not delivered within this is dropped (a line in its incident's timeline says so). */
export const OUTBOX_MAX_AGE_MS = 24 * 3_600_000;
/**
 * A message taken by a process on another host is taken over after this (its run is gone, or stuck): longer
 * than a send's budget with retries. On the same host, a dead process's messages are taken at once.
 */
export const OUTBOX_LEASE_MS = 5 * 60_000;

/** This process as an owner (one `run` per Publisher, so two in one process don't take each other's). */
export function outboxOwner(now: number): OutboxOwner {
  return { host: hostname(), pid: process.pid, run: randomUUID(), at: now };
}

/** Whether `owner` can no longer be expected to settle its messages. */
export function ownerGone(
  owner: OutboxOwner,
  me: OutboxOwner,
  now: number,
  alive: (pid: number) => boolean = processAlive,
): boolean {
  if (owner.run === me.run) return false;
  if (owner.host === me.host && owner.pid !== me.pid) return !alive(owner.pid);
  return now - owner.at > OUTBOX_LEASE_MS;
}

/** What {@link stepOutbox} did inside one write. */
export interface OutboxStep<S> {
  state: S;
  /** Messages this process must send after the write: the new ones and those taken over. */
  toSend: OutboxEntry[];
  /** Messages dropped for their age, for the incident's timeline. */
  expired: OutboxEntry[];
}

/** What {@link stepOutbox} knows of this process's own sends. */
export interface OutboxStepOptions {
  me: OutboxOwner;
  now: number;
  /** Messages whose send settled here, to remove. */
  settled: ReadonlySet<string>;
  /**
   * Messages this process has started to send. One of its own pending messages that is not in this set was
   * recorded by a write whose answer was lost (GitHub applied it, then answered 500): it is sent now.
   */
  dispatched?: ReadonlySet<string>;
  alive?: (pid: number) => boolean;
}

/**
 * Inside one write: removes the messages whose send settled here (`settled` ids), drops the expired ones,
 * takes over those whose owner is gone, sends this process's own messages that a lost answer kept it from
 * sending, and records `claimed` (this write's new messages) as pending.
 */
export function stepOutbox<S extends StateWithOutbox>(
  state: S,
  claimed: NotificationEvent[],
  options: OutboxStepOptions,
): OutboxStep<S> {
  const { me, now, settled, dispatched } = options;
  const owner = { ...me, at: now };
  const toSend: OutboxEntry[] = [];
  const expired: OutboxEntry[] = [];
  const kept: OutboxEntry[] = [];
  for (const entry of state.outbox ?? []) {
    if (settled.has(entry.event.id)) continue;
    if (now - entry.queuedAt > OUTBOX_MAX_AGE_MS) {
      expired.push(entry);
      continue;
    }
    if (ownerGone(entry.owner, me, now, options.alive)) {
      const taken = { ...entry, tries: entry.tries + 1, owner };
      toSend.push(taken);
      kept.push(taken);
    } else {
      if (dispatched && entry.owner.run === me.run && !dispatched.has(entry.event.id)) toSend.push(entry);
      kept.push(entry);
    }
  }
  const pending = new Set(kept.map((e) => e.event.id));
  for (const event of claimed) {
    if (pending.has(event.id)) continue;
    const entry: OutboxEntry = { event, queuedAt: now, tries: 0, owner };
    toSend.push(entry);
    kept.push(entry);
  }
  const changed = kept.length !== (state.outbox ?? []).length || toSend.length > 0 || expired.length > 0;
  if (!changed) return { state, toSend, expired };
  return { state: { ...state, outbox: kept.slice(-MAX_OUTBOX) }, toSend, expired };
}

/** The state without the messages whose send settled (`ids`); the same object when none was there. */
export function settleOutbox<S extends StateWithOutbox>(state: S, ids: ReadonlySet<string>): S {
  const outbox = state.outbox ?? [];
  const kept = outbox.filter((e) => !ids.has(e.event.id));
  return kept.length === outbox.length ? state : { ...state, outbox: kept };
}

/** Messages that wait for a write to take them over (a process died while sending). */
export function hasOrphans(state: StateWithOutbox, me: OutboxOwner, now: number): boolean {
  return (state.outbox ?? []).some(
    (e) => ownerGone(e.owner, me, now) || now - e.queuedAt > OUTBOX_MAX_AGE_MS,
  );
}

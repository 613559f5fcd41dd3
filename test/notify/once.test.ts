import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StateWithHistory } from '../../src/history/state.js';
import {
  MAX_NOTIFIED,
  markSent,
  notificationEvents,
  pendingNotifications,
  sendNotifications,
} from '../../src/notify/index.js';
import { notifySchema, type NotifyTarget } from '../../src/config/notify.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { Config } from '../../src/config/schema.js';
import { startReceiver, type Receiver } from './receiver.js';
import type { NotificationEvent } from '../../src/state/types.js';

/**
 * A tiny compare-and-swap store, as the state stores behave: `update` reads a version, yields (so two
 * callers interleave), and writes only if the version is unchanged; otherwise it re-reads and re-applies.
 */
class CasStore {
  version = 0;
  writes = 0;
  conflicts = 0;
  constructor(private state: StateWithHistory) {}
  async update(change: (s: StateWithHistory) => StateWithHistory): Promise<StateWithHistory> {
    for (;;) {
      const seen = this.version;
      const next = change(structuredClone(this.state));
      await new Promise((r) => setImmediate(r));
      if (this.version !== seen) {
        this.conflicts++;
        continue;
      }
      this.state = next;
      this.version++;
      this.writes++;
      return next;
    }
  }
}

const at = Date.UTC(2026, 10, 30, 12);
const down: NotificationEvent = {
  id: 'api:down:#7',
  service: 'api',
  serviceName: 'API',
  transition: 'down',
  at,
  reason: 'HTTP 503',
  incident: { number: 7 },
};
const esc: NotificationEvent = { ...down, id: 'api:escalated:#7', transition: 'escalated' };

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

/** One run: claims inside the CAS update, then sends only what it claimed. */
async function run(store: CasStore, targets: NotifyTarget[], events: NotificationEvent[]) {
  let mine: NotificationEvent[] = [];
  await store.update((fresh) => {
    mine = pendingNotifications(fresh, events);
    return markSent(
      fresh,
      mine.map((e) => e.id),
    );
  });
  return sendNotifications(targets, mine, { timeoutMs: 5000 });
}

describe('exactly once per transition', () => {
  it('two concurrent runs seeing the same transitions send each one once', async () => {
    const targets = notifySchema.parse([{ type: 'webhook', url: `${rx.origin}/hook` }]) as NotifyTarget[];
    const store = new CasStore(emptyState());
    const [a, b] = await Promise.all([run(store, targets, [down, esc]), run(store, targets, [down, esc])]);
    expect(a.sent + b.sent).toBe(2);
    expect(store.conflicts).toBeGreaterThan(0); // they really raced
    const ids = rx.requests.map((r) => r.headers['x-uptime-delivery']);
    expect(ids.sort()).toEqual(['api:down:#7', 'api:escalated:#7']);
    // A third run later (a retry of the same sweep) sends nothing.
    const c = await run(store, targets, [down, esc]);
    expect(c.sent).toBe(0);
    expect(rx.requests).toHaveLength(2);
  });

  it('pendingNotifications drops duplicates within one batch; markSent stays bounded', () => {
    expect(pendingNotifications(emptyState(), [down, down])).toEqual([down]);
    let s: StateWithHistory = emptyState();
    for (let i = 0; i < MAX_NOTIFIED + 20; i++) s = markSent(s, [`x:${i}`]);
    expect(s.notified).toHaveLength(MAX_NOTIFIED);
    expect(s.notified![MAX_NOTIFIED - 1]).toBe(`x:${MAX_NOTIFIED + 19}`);
    expect(markSent(s, [])).toBe(s);
  });
});

describe('notificationEvents', () => {
  const config = { services: { api: { id: 'api', name: 'Public API' } } } as unknown as Config;

  it('pins down and resolved to the incident number, so every run computes the same ids', () => {
    const state = emptyState();
    state.services.api = { ...emptyRecord(at), outages: [{ start: at - 5000 }] };
    const events = notificationEvents(
      [
        { type: 'status', service: 'api', from: 'up', to: 'down', reason: 'HTTP 503', at },
        { type: 'incident-opened', service: 'api', number: 7, url: 'https://github.com/o/r/issues/7' },
        { type: 'escalated', service: 'api', reason: 'ladder exhausted', at: at + 1 },
        { type: 'status', service: 'api', from: 'down', to: 'up', reason: 'HTTP 200', at: at + 60_000 },
        { type: 'incident-resolved', service: 'api', number: 7, durationMs: 60_000 },
        { type: 'status', service: 'api', from: 'up', to: 'slow', reason: 'slow', at: at + 70_000 },
      ],
      state,
      config,
    );
    expect(events.map((e) => e.id)).toEqual(['api:down:#7', 'api:escalated:#7', 'api:resolved:#7']);
    expect(events[0]).toMatchObject({
      serviceName: 'Public API',
      incident: { number: 7, url: 'https://github.com/o/r/issues/7' },
    });
    expect(events[2].durationMs).toBe(60_000);
  });

  it('without an incident, anchors on the outage start', () => {
    const state = emptyState();
    state.services.api = { ...emptyRecord(at), outages: [{ start: at - 5000 }] };
    const [e] = notificationEvents(
      [{ type: 'status', service: 'api', from: 'up', to: 'down', reason: 'x', at }],
      state,
      config,
    );
    expect(e.id).toBe(`api:down:${at - 5000}`);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  OUTBOX_LEASE_MS,
  OUTBOX_MAX_AGE_MS,
  settleOutbox,
  stepOutbox,
  type StateWithOutbox,
} from '../../src/notify/outbox.js';
import { deliveryHeaders } from '../../src/notify/send.js';
import { parseStateText } from '../../src/state/schema.js';
import { emptyState } from '../../src/state/records.js';
import type { NotificationEvent, OutboxOwner } from '../../src/state/types.js';

const NOW = Date.UTC(2026, 11, 4, 12);
const event = (id: string): NotificationEvent => ({
  id,
  service: 'api',
  serviceName: 'API',
  transition: 'down',
  at: NOW - 1000,
  reason: 'HTTP 503',
});
const me: OutboxOwner = { host: 'runner-a', pid: 100, run: 'run-me', at: 0 };
const none = new Set<string>();

describe('the outbox', () => {
  it('records the claimed messages as pending in the same state, owned by this run', () => {
    const step = stepOutbox({} as StateWithOutbox, [event('a')], { me, now: NOW, settled: none });
    expect(step.toSend.map((e) => e.event.id)).toEqual(['a']);
    expect(step.state.outbox).toEqual([
      { event: event('a'), queuedAt: NOW, tries: 0, owner: { ...me, at: NOW } },
    ]);
    // Settled: removed by the next write.
    expect(settleOutbox(step.state, new Set(['a'])).outbox).toEqual([]);
  });

  it("takes over a dead process's message on this host at once, another host's only after the lease", () => {
    const deadHere = {
      event: event('a'),
      queuedAt: NOW,
      tries: 0,
      owner: { ...me, pid: 1, run: 'x', at: NOW },
    };
    const otherHost = {
      event: event('b'),
      queuedAt: NOW,
      tries: 0,
      owner: { ...me, host: 'runner-b', run: 'y', at: NOW },
    };
    const alive = (pid: number) => pid !== 1;
    const soon = stepOutbox({ outbox: [deadHere, otherHost] }, [], {
      me,
      now: NOW + 1000,
      settled: none,
      alive,
    });
    expect(soon.toSend.map((e) => [e.event.id, e.tries])).toEqual([['a', 1]]);
    const later = stepOutbox({ outbox: [otherHost] }, [], {
      me,
      now: NOW + OUTBOX_LEASE_MS + 1,
      settled: none,
      alive,
    });
    expect(later.toSend.map((e) => [e.event.id, e.tries])).toEqual([['b', 1]]);
  });

  it('never sends twice what is already pending, and drops a message past its age for the timeline', () => {
    const old = {
      event: event('old'),
      queuedAt: NOW - OUTBOX_MAX_AGE_MS - 1,
      tries: 3,
      owner: { ...me, run: 'z', pid: 1 },
    };
    const mine = { event: event('a'), queuedAt: NOW, tries: 0, owner: { ...me, at: NOW } };
    const step = stepOutbox({ outbox: [old, mine] }, [event('a')], { me, now: NOW, settled: none });
    expect(step.toSend).toEqual([]);
    expect(step.expired.map((e) => e.event.id)).toEqual(['old']);
    expect(step.state.outbox!.map((e) => e.event.id)).toEqual(['a']);
  });

  it('sends its own pending message that a lost write answer kept it from sending, and only that one', () => {
    const mine = (id: string) => ({ event: event(id), queuedAt: NOW, tries: 0, owner: { ...me, at: NOW } });
    // `a` was recorded by a write GitHub applied and answered 500: this run never started its send. `b` is
    // being sent now. The re-applied write sends `a` and leaves `b` to its send in flight.
    const step = stepOutbox({ outbox: [mine('a'), mine('b')] }, [], {
      me,
      now: NOW + 1000,
      settled: none,
      dispatched: new Set(['b']),
    });
    expect(step.toSend.map((e) => [e.event.id, e.tries])).toEqual([['a', 0]]);
    expect(step.state.outbox!.map((e) => e.event.id)).toEqual(['a', 'b']);
  });

  it('keeps every kind of pending message through a read of the stored state, a burn-rate alert included', () => {
    const kinds = ['down', 'degraded', 'escalated', 'resolved', 'burn', 'test'] as const;
    const outbox = kinds.map((transition) => ({
      event: { ...event(`api:${transition}:1`), transition },
      queuedAt: NOW,
      tries: 0,
      owner: { ...me, at: NOW },
    }));
    const { state, problems } = parseStateText(JSON.stringify({ ...emptyState(), outbox }));
    expect(problems).toEqual([]);
    expect(state.outbox?.map((e) => e.event.transition)).toEqual([...kinds]);
  });

  it('labels every send with the stable id and, on a resend, the retry count', () => {
    expect(deliveryHeaders(event('api:down:#1'))).toEqual({ 'X-Uptime-Id': 'api:down:#1' });
    expect(deliveryHeaders({ ...event('api:down:#1'), tries: 2 })).toEqual({
      'X-Uptime-Id': 'api:down:#1',
      'X-Uptime-Retries': '2',
    });
  });
});

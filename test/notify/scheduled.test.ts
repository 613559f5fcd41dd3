import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { Publisher } from '../../src/engine/publish.js';
import { watch } from '../../src/engine/watch.js';
import { runSweep } from '../../src/run/sweep.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';
import { startReceiver, type Receiver } from './receiver.js';

/**
 * Notifications and history wired into real runs (issue 12): the engine's sweeps on a shared compare-and-swap
 * store, a real HTTP receiver on loopback for the `notify:` webhook target.
 */

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

/** The transitions the receiver was told about, as `service:transition`. */
function told(): string[] {
  return receiver.requests
    .map((r) => JSON.parse(r.body) as { service: string; transition: string })
    .map((b) => `${b.service}:${b.transition}`)
    .sort();
}

const recovery = { provider: 'command', restart: 'true', redeploy: 'true' } as const;

function world(sims: Parameters<typeof makeWorld>[1]) {
  return makeWorld(
    {
      mode: 'extreme',
      services: {
        api: { url: 'http://127.0.0.1:9/api', recovery },
        web: { url: 'http://127.0.0.1:9/web', recovery },
      },
      notify: [{ type: 'webhook', url: `${receiver.origin}/hook` }],
    },
    sims,
  );
}

describe('notifications in scheduled runs', () => {
  test('two concurrent runs on one state store tell each transition once (down, then resolved)', async () => {
    const w = world({ api: { up: false, restartFixes: false, redeployFixes: false } });
    const store = new MemoryStateStore(undefined, { now: () => w.clock.now(), conflictEvery: 3 });
    const incidents = new MemoryIncidentLog();
    const run = () => runSweep({ deps: { ...w.deps, store, incidents }, store, watchMs: 0 });
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.status, b.status]).toEqual(['down', 'down']);
    expect(told()).toEqual(['api:down']);

    // The service comes back by itself; two runs at once see it.
    w.world.api.up = true;
    w.clock.advance(60_000);
    await Promise.all([run(), run()]);
    expect(told()).toEqual(['api:down', 'api:resolved']);
    // A third run changes nothing and tells nothing.
    w.clock.advance(60_000);
    await run();
    expect(receiver.requests).toHaveLength(2);
    expect(store.conflicts).toBeGreaterThan(0); // the claims really raced
  });

  test('a receiver that never answers delays no recovery; its failure lands in the incident timeline', async () => {
    receiver.answer = 'hang';
    const order: string[] = [];
    const w = world({ web: { up: false } });
    const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
    const incidents = new MemoryIncidentLog();
    const deps = {
      ...w.deps,
      store,
      incidents,
      providerContext: {
        ...w.deps.providerContext,
        configFetch: async (...args: Parameters<typeof fetch>) => {
          order.push('notification started');
          try {
            return await fetch(...args);
          } finally {
            order.push('notification settled');
          }
        },
      },
      onEvent: (e: (typeof w.events)[number]) => {
        if (e.type === 'recovery-end') order.push(`${e.service} recovered: ${e.attempt.healthy}`);
        if (e.type === 'status' && e.service === 'api' && e.to === 'down') order.push('api down');
      },
    };
    // web is down (restarted and back in the first sweep: its `down` is sent after that write and hangs);
    // api goes down in the third sweep and must be recovered while that message still hangs.
    let sweeps = 0;
    const publisher = new Publisher(deps, { messageTimeoutMs: 1_500, finishBudgetMs: 5_000 });
    await watch(deps, store, {
      durationMs: 10 * 60_000,
      publisher,
      onSweep: () => {
        if (++sweeps === 2) w.world.api.up = false;
      },
    });
    const report = await publisher.finish();
    expect(order.indexOf('api recovered: true')).toBeGreaterThan(order.indexOf('notification started'));
    expect(order.indexOf('api recovered: true')).toBeLessThan(order.indexOf('notification settled'));
    expect(report.failures.length).toBeGreaterThan(0);
    const timeline = incidents.issues.flatMap((i) => i.comments).filter((c) => c.startsWith('⚠️'));
    expect(timeline.join('\n')).toMatch(/Notification to webhook.*failed/);
    expect(timeline.join('\n')).not.toContain(receiver.origin); // the target's URL is a secret
  });
});

describe('history in scheduled runs', () => {
  test('a healthy day of runs every 5 minutes writes the state at most once an hour', async () => {
    const w = world({});
    const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
    for (let i = 0; i < 288; i++) {
      await runSweep({ deps: { ...w.deps, store }, store, watchMs: 0 });
      w.clock.advance(5 * 60_000);
    }
    // The first run writes the first checks; after that only the first run of each hour.
    expect(store.writes).toBeLessThanOrEqual(25);
    const state = await store.read();
    expect(state.history?.services.api.hourly).toHaveLength(24);
    expect(state.history?.services.api.hourly.every((h) => h.ok === 1 && h.p50 === 50)).toBe(true);
    expect(receiver.requests).toHaveLength(0);
  });

  test('a healthy watch books the hour once, not every sweep', async () => {
    const w = world({});
    const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
    const publisher = new Publisher(w.deps);
    await watch(w.deps, store, { durationMs: 3 * 3_600_000, publisher });
    const report = await publisher.finish();
    expect(report.historyWrites).toBeLessThanOrEqual(3);
    expect(store.writes).toBeLessThanOrEqual(4);
    expect((await store.read()).history?.services.web.hourly).toHaveLength(3);
  });
});

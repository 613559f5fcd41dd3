import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PENDING_SAMPLES, Publisher, REPORT_KEEP } from '../../src/engine/publish.js';
import { SiteKeeper } from '../../src/site/sink.js';
import { FileSiteSink } from '../../src/site/file-sink.js';
import { watch } from '../../src/engine/watch.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import type { Logger } from '../../src/util/logger.js';
import { silentLogger } from '../../src/util/logger.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';

/**
 * The publisher and the site in a long-running watch (issue 14): sends settle while the watch goes on, a
 * failure reaches the incident's timeline at once, a hanging receiver delays no sweep, and the site folder is
 * kept hourly. Virtual clock; notifications go through an injected fetch (the hosted guard's slot).
 */

const HOOK = 'http://127.0.0.1:9/hook-0123456789abcdef';

function world(
  sims: Parameters<typeof makeWorld>[1],
  answer: (body: string) => Promise<Response>,
  recover = true,
) {
  const w = makeWorld(
    {
      mode: 'extreme',
      services: {
        api: {
          url: 'http://127.0.0.1:9/api',
          ...(recover ? { recovery: { provider: 'command', restart: 'true' } as const } : {}),
        },
      },
      notify: [{ type: 'webhook', url: HOOK }],
    },
    sims,
  );
  const incidents = new MemoryIncidentLog();
  const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
  const configFetch = (async (_url: string | URL | Request, init?: RequestInit) =>
    answer(String(init?.body ?? ''))) as typeof fetch;
  const deps = {
    ...w.deps,
    incidents,
    providerContext: { ...w.deps.providerContext, configFetch },
  };
  return { ...w, deps, incidents, store };
}

const warnings = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return { ...silentLogger, warn: (m: string) => void lines.push(m), lines };
};

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('notifications in a long watch', () => {
  test('a failed notification lands in the incident timeline while the watch is still running', async () => {
    const w = world({ api: { up: false, restartFixes: false, redeployFixes: false } }, async () =>
      Promise.resolve(new Response('no such hook', { status: 404 })),
    );
    const publisher = new Publisher(w.deps);
    let sweeps = 0;
    let seenAtSweep: number | undefined;
    await watch(w.deps, w.store, {
      durationMs: 30 * 60_000,
      publisher,
      onSweep: () => {
        sweeps++;
        const timeline = w.incidents.issues.flatMap((i) => i.comments);
        if (seenAtSweep === undefined && timeline.some((c) => c.startsWith('⚠️'))) seenAtSweep = sweeps;
      },
    });
    // Seen long before the end, and without `finish()`: the failure was settled when it happened.
    expect(seenAtSweep).toBeDefined();
    expect(seenAtSweep!).toBeLessThan(sweeps / 2);
    const entries = w.incidents.issues[0].comments.filter((c) => c.startsWith('⚠️'));
    expect(entries[0]).toMatch(/Notification to webhook #1 about "down" of api failed: HTTP 404/);
    expect(entries.join('\n')).not.toContain('hook-0123456789abcdef'); // the target's URL is a secret
    // `down`, then `escalated` (restart and redeploy did not help): each failure recorded once.
    expect(publisher.snapshot()).toMatchObject({ failed: entries.length, sent: 0 });
    expect(entries).toHaveLength(2);
  });

  test('a receiver that hangs delays no sweep: the watch runs its full course while the message waits', async () => {
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const run = async (answer: () => Promise<Response>) => {
      const w = world({ api: { up: false, restartFixes: false, redeployFixes: false } }, answer);
      const publisher = new Publisher(w.deps, { messageTimeoutMs: 600_000 });
      const counts = { sweeps: 0, whileInFlight: 0 };
      await watch(w.deps, w.store, {
        durationMs: 10 * 60_000,
        publisher,
        onSweep: () => {
          counts.sweeps++;
          if (publisher.inFlight > 0) counts.whileInFlight++;
        },
      });
      return { publisher, ...counts };
    };
    // The same outage with a receiver that answers at once: how many sweeps 10 minutes hold.
    const control = await run(async () => new Response('ok'));
    const { publisher, sweeps, whileInFlight } = await run(async () => {
      started++;
      await hanging;
      return new Response('ok');
    });
    expect(started).toBe(2); // `down` and `escalated` were sent and never answered...
    expect(publisher.inFlight).toBe(2);
    // ...while the watch kept its interval: as many sweeps as with a receiver that answers, every one of
    // them with a message in flight (`down` left after the first sweep's write).
    expect(sweeps).toBe(control.sweeps);
    expect(sweeps).toBeGreaterThan(100);
    expect(whileInFlight).toBe(sweeps);
    release();
    const report = await publisher.finish();
    expect(report).toMatchObject({ sent: 2, failed: 0, unfinished: false });
    expect(publisher.inFlight).toBe(0);
  });

  test('after hundreds of transitions every message arrived once and the publisher holds none of them', async () => {
    const received: string[] = [];
    const w = world(
      {},
      async (body) => {
        received.push((JSON.parse(body) as { transition: string }).transition);
        return new Response('ok');
      },
      false,
    );
    const publisher = new Publisher(w.deps);
    let sweeps = 0;
    // Down for 10 s every minute (no recovery configured: it comes back by itself), for 3 hours.
    await watch(w.deps, w.store, {
      durationMs: 3 * 3_600_000,
      publisher,
      onSweep: () => {
        sweeps++;
        if (sweeps % 12 === 0) w.world.api.up = false;
        if (sweeps % 12 === 2) w.world.api.up = true;
      },
    });
    const report = await publisher.finish();
    const downs = received.filter((t) => t === 'down').length;
    expect(downs).toBeGreaterThan(150);
    expect(received.filter((t) => t === 'resolved').length).toBe(downs);
    expect(report.sent).toBe(received.length);
    expect(report.claimedCount).toBe(received.length);
    expect(report.claimed.length).toBe(REPORT_KEEP);
    expect(report.failures).toEqual([]);
    expect(publisher.inFlight).toBe(0);
  }, 60_000);
});

test('a state store that refuses every write for 12 hours: the watch goes on, and what waits for the write stays bounded', async () => {
  const w = world({}, async () => new Response('ok'));
  let refusing = true;
  const store = {
    read: () => w.store.read(),
    update: (change: Parameters<typeof w.store.update>[0]) =>
      refusing ? Promise.reject(new Error('HTTP 403 rate limited')) : w.store.update(change),
  };
  const publisher = new Publisher(w.deps);
  let sweeps = 0;
  await watch({ ...w.deps, logger: warnings() }, store, {
    durationMs: 12 * 3_600_000 + 10_000,
    publisher,
    onSweep: () => {
      if (++sweeps === 12 * 720) refusing = false; // 12 hours at 5 s, then the writes go through again
    },
  });
  const hourly = (await w.store.read()).history?.services.api.hourly ?? [];
  // The first write after 12 hours books the newest samples, at most MAX_PENDING_SAMPLES of the 8,640 held back.
  expect(hourly).toHaveLength(1);
  expect(hourly[0].total).toBe(MAX_PENDING_SAMPLES);
}, 60_000); // 8,640 sweeps of CPU work

describe('the status site in a long watch', () => {
  test('the folder is re-rendered once an hour, with the history the watch booked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uptime-site-'));
    dirs.push(dir);
    const w = world({}, async () => new Response('ok'));
    const keeper = new SiteKeeper(new FileSiteSink(dir), silentLogger);
    await watch(w.deps, w.store, {
      durationMs: 3 * 3_600_000,
      publisher: new Publisher(w.deps),
      site: keeper,
    });
    expect(keeper.writes).toBe(3);
    const status = JSON.parse(await readFile(join(dir, 'status.json'), 'utf8')) as {
      generatedAt: string;
      services: Array<{ id: string; hourly: unknown[] }>;
    };
    expect(status.generatedAt).toBe('2026-01-01T02:00:00.000Z'); // the last hour the 3-hour watch began
    expect(status.services[0].id).toBe('api');
    expect(status.services[0].hourly.length).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toContain('<html');
  });

  test('a site folder that turns into a file is a warning; the watch goes on', async () => {
    const base = await mkdtemp(join(tmpdir(), 'uptime-site-'));
    dirs.push(base);
    const dir = join(base, 'public');
    await writeFile(dir, 'not a folder');
    const w = world({}, async () => new Response('ok'));
    const logger = warnings();
    const keeper = new SiteKeeper(new FileSiteSink(dir), logger);
    let sweeps = 0;
    await watch({ ...w.deps, logger }, w.store, {
      durationMs: 30 * 60_000,
      site: keeper,
      onSweep: () => void sweeps++,
    });
    expect(sweeps).toBeGreaterThanOrEqual(350);
    expect(keeper.writes).toBe(0);
    expect(keeper.failures).toBe(3); // at the start, then every 10 minutes
    expect(logger.lines[0]).toMatch(/Status page not published: .*public .* is a file/);
  });
});

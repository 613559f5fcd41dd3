/**
 * Monitor types and platform events (docs/monitors.md, docs/platform-events.md):
 *
 * 1. Detection of a crash at `extreme`, polling alone against a platform event: the product's real watch loop
 *    (src/engine/watch.ts, wall clock), a real HTTP service on 127.0.0.1 that starts answering 503 at a random
 *    moment, and a Railway `Deployment.crashed` webhook posted to the real listener (src/events/listener.ts) over
 *    HTTP at that moment. Railway's own delivery delay is not included (it is the platform's).
 * 2. False recoveries from forged and duplicated events against a healthy service.
 * 3. Heartbeats: how long after its deadline (`every` + `grace`) a job that stopped pinging is down, with the
 *    engine on a virtual clock and the listener's book.
 * 4. 10,000 heartbeat monitors in one process: memory per monitor and one sweep's probe pass.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { sweep } from '../src/engine/sweep.js';
import type { EngineDeps } from '../src/engine/types.js';
import { watch } from '../src/engine/watch.js';
import { Listener } from '../src/events/listener.js';
import { probeMonitor } from '../src/monitors/registry.js';
import type { ActionResult, Provider } from '../src/providers/types.js';
import { emptyState } from '../src/state/records.js';
import { MemoryStateStore } from '../src/state/memory.js';
import type { UptimeState } from '../src/state/types.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { virtualClock } from '../test/helpers/clock.js';
import {
  humanBytes,
  humanMs,
  markdownTable,
  percentile,
  type SectionResult,
  type Target,
} from './lib/stats.js';
import type { EngineEvent } from '../src/outcome/types.js';

export interface MonitorsBenchOptions {
  /** Crashes per arm (polling, event). */
  trials: number;
  /** Forged events, then duplicated copies of one event, against a healthy service. */
  forged: number;
  /** Heartbeat jobs stopped at random moments. */
  heartbeatTrials: number;
  /** Heartbeat monitors in one process. */
  monitors: number;
}

const SERVICE_ID = 'svc-bench';
const EVENTS_KEY = 'bench-events-key-0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** A crash event as Railway's documentation shows it. */
const crashEvent = JSON.stringify({
  type: 'Deployment.crashed',
  details: { id: 'dep-1', status: 'CRASHED' },
  resource: { service: { id: SERVICE_ID, name: 'api' }, deployment: { id: 'dep-1' } },
  severity: 'WARNING',
  timestamp: new Date(0).toISOString(),
});

/** Parts 1 and 2: the real watch loop, a real service and a real listener, all on loopback. */
async function detection(options: MonitorsBenchOptions) {
  let broken = false;
  const service = createServer((req, res) => {
    req.resume();
    res.writeHead(broken ? 503 : 200).end(broken ? 'crashed' : 'ok');
  });
  const serviceUrl = await listen(service);
  const config = parseConfig(
    {
      mode: 'extreme',
      services: {
        api: {
          url: `${serviceUrl}/health`,
          timeout: '2s',
          recovery: { provider: 'railway', serviceId: SERVICE_ID },
        },
      },
    },
    'bench (monitors)',
  );
  const listener = new Listener({ limits: { requests: 100_000 } });
  const attachment = listener.attach('bench', config, { eventsKey: EVENTS_KEY });
  const front = createServer((req, res) => {
    if (!listener.handle(req, res)) res.writeHead(404).end();
  });
  const frontUrl = await listen(front);
  const post = () =>
    fetch(`${frontUrl}/events/${EVENTS_KEY}`, {
      method: 'POST',
      body: crashEvent,
      headers: { 'content-type': 'application/json' },
    });

  const events: Array<{ at: number; event: EngineEvent }> = [];
  let recoveries = 0;
  const act = async (): Promise<ActionResult> => {
    recoveries++;
    return { ok: false, detail: 'bench: no platform' };
  };
  const provider: Provider = { type: 'railway', restart: act, redeploy: act };
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger },
    probe: (s, o) => probeMonitor(s, { confirm: o?.confirm }),
    clock: systemClock,
    logger: silentLogger,
    onEvent: (event) => events.push({ at: performance.now(), event }),
  };
  const stop = new AbortController();
  const running = watch(deps, new MemoryStateStore(emptyState()), {
    signal: stop.signal,
    checkNow: attachment.checkNow,
  });

  const statusTo = (to: string, after: number) =>
    events.find((e) => e.at >= after && e.event.type === 'status' && e.event.to === to);
  const waitFor = async (to: string, after: number, ms = 20_000) => {
    const end = performance.now() + ms;
    for (;;) {
      const found = statusTo(to, after);
      if (found) return found.at;
      if (performance.now() > end) throw new Error(`bench: no "${to}" within ${ms} ms`);
      await sleep(5);
    }
  };
  /** Back to up: the service answers again; events make the checks happen now (successThreshold of them). */
  const restore = async () => {
    broken = false;
    const t = performance.now();
    while (!statusTo('up', t)) {
      await post();
      await sleep(50);
    }
  };
  await waitFor('up', 0);

  const run = async (withEvent: boolean) => {
    // A random moment within the polling interval (5 s at extreme).
    await sleep(Math.random() * 5_000);
    const crashed = performance.now();
    broken = true;
    if (withEvent) await post();
    const down = await waitFor('down', crashed);
    await restore();
    return down - crashed;
  };
  const polling: number[] = [];
  const evented: number[] = [];
  for (let i = 0; i < options.trials; i++) {
    polling.push(await run(false));
    evented.push(await run(true));
  }

  // Part 2: forged and duplicated crash events for the healthy service.
  const before = recoveries;
  const statusChanges = () => events.filter((e) => e.event.type === 'status').length;
  const changesBefore = statusChanges();
  for (let i = 0; i < options.forged; i++) {
    await post();
    await sleep(20);
  }
  await Promise.all(Array.from({ length: options.forged }, () => post()));
  await sleep(500);
  const falseRecoveries = recoveries - before;
  const falseChanges = statusChanges() - changesBefore;

  stop.abort();
  await running;
  attachment.detach();
  await new Promise((resolve) => front.close(resolve));
  await new Promise((resolve) => service.close(resolve));
  front.closeAllConnections();
  service.closeAllConnections();
  return { polling, evented, falseRecoveries, falseChanges };
}

/** Part 3: stop a job at a random moment; how long after its deadline is it down? (virtual clock, extreme) */
export async function heartbeatDetection(trials: number) {
  const every = 60_000;
  const grace = 30_000;
  const lateness: number[] = [];
  let interval = 0;
  for (let i = 0; i < trials; i++) {
    const clock = virtualClock(Date.UTC(2026, 0, 1));
    const token = 'bench-token-0123456789abcdef';
    const config = parseConfig(
      { mode: 'extreme', services: { job: { type: 'heartbeat', every: '1m', grace: '30s', token: '${T}' } } },
      'bench (heartbeat)',
      { T: token },
    );
    const listener = new Listener({ now: () => clock.now() });
    const attachment = listener.attach('bench', config);
    let downAt: number | undefined;
    const deps: EngineDeps = {
      config,
      provider: () => ({
        type: 'railway',
        restart: async () => ({ ok: false, detail: '' }),
        redeploy: async () => ({ ok: false, detail: '' }),
      }),
      providerContext: { env: {}, fetch: globalThis.fetch, clock, logger: silentLogger },
      probe: (s, o) =>
        probeMonitor(s, { confirm: o?.confirm, now: () => clock.now(), heartbeats: attachment.heartbeats }),
      clock,
      logger: silentLogger,
      onEvent: (e) => {
        if (e.type === 'status' && e.to === 'down' && downAt === undefined) downAt = e.at;
      },
    };
    // The job pings every minute, then stops after a random number of runs, at a random phase of the sweeps.
    const start = clock.now() + Math.random() * 60_000;
    const runs = 2 + Math.floor(Math.random() * 5);
    const pings = Array.from({ length: runs }, (_, k) => start + k * every);
    const lastPing = pings[pings.length - 1];
    let state: UptimeState = emptyState();
    while (downAt === undefined && clock.now() < lastPing + every + grace + 120_000) {
      while (pings.length && pings[0] <= clock.now()) {
        const at = pings.shift()!;
        const now = clock.now();
        clock.set(at);
        listener.book.ping(token, 'success');
        clock.set(now);
      }
      const result = await sweep(deps, state);
      state = result.state;
      interval = result.tuning.healthCheckInterval;
      clock.advance(result.tuning.healthCheckInterval);
    }
    if (downAt === undefined) throw new Error('bench: a stopped job was never declared down');
    lateness.push(downAt - (lastPing + every + grace));
  }
  return { lateness, interval, every, grace };
}

/** Part 4: many heartbeat monitors in one process. */
export async function manyHeartbeats(count: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const services: Record<string, unknown> = {};
  const env: NodeJS.ProcessEnv = {};
  for (let i = 0; i < count; i++) {
    env[`T${i}`] = `token-${i}-${'x'.repeat(24)}`;
    services[`job-${i}`] = { type: 'heartbeat', every: '5m', token: `\${T${i}}` };
  }
  const config: Config = parseConfig({ services }, 'bench (10k heartbeats)', env);
  gc?.();
  const heapConfig = process.memoryUsage().heapUsed;
  const listener = new Listener();
  const attachment = listener.attach('bench', config);
  for (let i = 0; i < count; i++) listener.book.ping(env[`T${i}`]!, 'success');
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const all = Object.values(config.services);
  const t = performance.now();
  const results = await Promise.all(all.map((s) => probeMonitor(s, { heartbeats: attachment.heartbeats })));
  const probeMs = performance.now() - t;
  const healthy = results.filter((r) => r.ok).length;
  return {
    count,
    listenerBytes: (heapAfter - heapConfig) / count,
    totalBytes: (heapAfter - heapBefore) / count,
    probeMs,
    healthy,
  };
}

export async function runMonitorsSection(options: MonitorsBenchOptions): Promise<SectionResult> {
  const d = await detection(options);
  const h = await heartbeatDetection(options.heartbeatTrials);
  const m = await manyHeartbeats(options.monitors);
  const p50Poll = percentile(d.polling, 50)!;
  const p95Poll = percentile(d.polling, 95)!;
  const p50Event = percentile(d.evented, 50)!;
  const p95Event = percentile(d.evented, 95)!;
  const lateMax = Math.max(...h.lateness);
  const targets: Target[] = [
    {
      figure: 'crash detection with a platform event, p50',
      value: humanMs(p50Event),
      target: '≤ 1 s, below polling',
      ok: p50Event <= 1000 && p50Event < p50Poll,
    },
    { figure: 'crash detection with a platform event, p95', value: humanMs(p95Event), target: 'reported' },
    {
      figure: 'crash detection by polling at extreme, p50 / p95',
      value: `${humanMs(p50Poll)} / ${humanMs(p95Poll)}`,
      target: 'reported (limit ≈ 2.5 s)',
    },
    {
      figure: `false recoveries from ${d.falseChanges === 0 ? '' : ''}${options.forged} forged + ${options.forged} duplicated events`,
      value: String(d.falseRecoveries),
      target: '0',
      ok: d.falseRecoveries === 0 && d.falseChanges === 0,
    },
    {
      figure: 'missed ping detected after its deadline (every + grace), worst',
      value: humanMs(lateMax),
      target: `≤ one interval (${humanMs(h.interval)})`,
      ok: lateMax <= h.interval,
    },
    {
      figure: `memory per heartbeat monitor (${m.count.toLocaleString('en-US')}; config + listener)`,
      value: humanBytes(m.totalBytes),
      target: 'reported',
    },
    {
      figure: `one probe pass of ${m.count.toLocaleString('en-US')} heartbeats`,
      value: humanMs(m.probeMs),
      target: 'reported',
    },
  ];
  const markdown = [
    '## Monitor types and platform events',
    '',
    `Crash detection at \`extreme\` (5 s interval), ${options.trials} crashes per arm at random moments, the real watch loop and a real service on 127.0.0.1; "event" posts Railway's \`Deployment.crashed\` payload to the real listener when the service crashes (Railway's delivery delay not included).`,
    '',
    markdownTable(
      ['arm', 'p50', 'p95', 'max'],
      [
        ['polling only', humanMs(p50Poll), humanMs(p95Poll), humanMs(Math.max(...d.polling))],
        ['platform event', humanMs(p50Event), humanMs(p95Event), humanMs(Math.max(...d.evented))],
      ],
    ),
    '',
    `Forged and duplicated events: ${options.forged} one after another, then ${options.forged} at once, for the healthy service: ${d.falseRecoveries} recoveries, ${d.falseChanges} status changes (each costs one probe).`,
    '',
    `Heartbeats (virtual clock, every ${humanMs(h.every)}, grace ${humanMs(h.grace)}, ${options.heartbeatTrials} jobs stopped at random moments): down at p50 ${humanMs(percentile(h.lateness, 50))}, p95 ${humanMs(percentile(h.lateness, 95))}, worst ${humanMs(lateMax)} after the deadline (target: within one interval, ${humanMs(h.interval)}).`,
    '',
    `${m.count.toLocaleString('en-US')} heartbeat monitors in one process: ${humanBytes(m.totalBytes)} of heap per monitor (config and listener; the listener's book alone ${humanBytes(m.listenerBytes)}), one probe pass of all of them ${humanMs(m.probeMs)} (${m.healthy} healthy).`,
  ].join('\n');
  return { markdown, targets };
}

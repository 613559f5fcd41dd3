import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildDeps } from '../../cli/deps.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import { notificationEvents } from '../../src/notify/events.js';
import { Listener } from '../../src/events/listener.js';
import { judgePings } from '../../src/monitors/heartbeat.js';
import { emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import type { Logger } from '../../src/util/logger.js';
import { virtualClock } from '../helpers/clock.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/**
 * Heartbeats end to end: a real listener on 127.0.0.1 receives the job's pings over HTTP; sweeps of the real
 * engine on a virtual clock check them; the recovery is a real command (a restarted job pings on start).
 */

const TOKEN = 'nightly-0123456789abcdef-token';
const DAY = Date.UTC(2026, 0, 5, 3);

let dir: string;
let server: Server;
let base: string;
let listener: Listener;
const clock = virtualClock(DAY);
const logged: string[] = [];
const logger: Logger = {
  debug: (m) => logged.push(m),
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};

function configFor(extra = ''): Config {
  const yaml = {
    maxConsecutiveFailures: 1,
    successThreshold: 1,
    recoveryTimeout: '30s',
    services: {
      nightly: {
        name: 'Nightly export',
        type: 'heartbeat',
        every: '10s',
        grace: '5s',
        token: '${NIGHTLY_PING_TOKEN}',
        recovery: {
          provider: 'command',
          // The restarted job's first act: its start-up ping (a real process, over real HTTP).
          restart: `node -e "fetch('${base}/ping/${TOKEN}',{method:'POST'}).then(r=>process.exit(r.ok?0:1))"`,
        },
      },
    },
  };
  void extra;
  return parseConfig(yaml, 'uptime.yml', { NIGHTLY_PING_TOKEN: TOKEN });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-heartbeat-'));
  clock.set(DAY);
  logged.length = 0;
  listener = new Listener({ now: () => clock.now(), limits: { misses: 3 } });
  server = createServer((req, res) => {
    if (!listener.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

afterAll(() => undefined);

const ping = (path = '', method = 'POST') => fetch(`${base}/ping/${TOKEN}${path}`, { method });

function engine(config: Config) {
  const attachment = listener.attach('local', config, { logger });
  const events: EngineEvent[] = [];
  const { deps } = buildDeps(config, {
    env: { PATH: process.env.PATH },
    logger,
    statePath: join(dir, 'state.json'),
    incidents: 'file',
    clock,
    heartbeats: attachment.heartbeats,
    onEvent: (e) => events.push(e),
  });
  return { deps, events, attachment };
}

describe('a cron-like job that stops pinging', () => {
  it('is up while it pings, then a missed ping opens an incident and the job gets its restart', async () => {
    const config = configFor();
    const { deps, events } = engine(config);
    let state: UptimeState = emptyState();
    expect((await ping()).status).toBe(200);
    state = (await sweep(deps, state)).state;
    expect(state.services.nightly.health.status).toBe('up');
    clock.advance(9_000);
    expect((await ping('', 'GET')).status).toBe(200); // healthchecks.io clients often GET
    state = (await sweep(deps, state)).state;
    expect(state.services.nightly.health.status).toBe('up');

    // The job stops: 16 s without a ping > every (10 s) + grace (5 s).
    clock.advance(16_000);
    events.length = 0;
    const result = await sweep(deps, state);
    const statuses = events.filter((e) => e.type === 'status').map((e) => (e as { to: string }).to);
    expect(statuses).toEqual(['down', 'up']);
    const down = events.find((e) => e.type === 'status') as { reason: string };
    expect(down.reason).toBe('no ping for 16s (expected every 10s, grace 5s)');
    expect(result.services.nightly.attempts).toHaveLength(1);
    expect(result.services.nightly.attempts[0]).toMatchObject({
      action: 'restart',
      providerOk: true,
      healthy: true,
    });
    expect(result.services.nightly.recovered).toBe(true);
    expect(notificationEvents(result.events, result.state, config).map((n) => n.transition)).toEqual([
      'down',
      'resolved',
    ]);
    const incidents = readFileSync(join(dir, 'incidents.md'), 'utf8');
    expect(incidents).toContain('Nightly export is down');
    expect(incidents).toContain('no ping for 16s');
    // The token is a secret: never in the incident log nor in any log line.
    expect(incidents).not.toContain(TOKEN);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('a late start without finish is reported with its duration', async () => {
    const { deps, events } = engine(configFor());
    let state: UptimeState = emptyState();
    await ping();
    state = (await sweep(deps, state)).state;
    clock.advance(2_000);
    expect((await ping('/start')).status).toBe(200);
    clock.advance(4_000);
    state = (await sweep(deps, state)).state; // running for 4 s, within the 5 s grace
    expect(state.services.nightly.health.status).toBe('up');
    clock.advance(3_000);
    events.length = 0;
    await sweep(deps, state);
    const down = events.find((e) => e.type === 'status') as { to: string; reason: string };
    expect(down).toMatchObject({
      to: 'down',
      reason: 'a run started 7s ago and has not finished (grace 5s)',
    });
  });

  it('/fail and a non-zero exit status fail the check at once; a success clears it', () => {
    listener.attach('local', configFor());
    const check = () =>
      judgePings(
        listener.book.view('local').record(configFor().services.nightly),
        10_000,
        5_000,
        clock.now(),
      );
    listener.book.ping(TOKEN, 'success');
    expect(check().ok).toBe(true);
    listener.book.ping(TOKEN, 'fail');
    expect(check()).toMatchObject({ ok: false, kind: 'missed', error: 'the job reported a failure 0ms ago' });
    clock.advance(1_000);
    listener.book.ping(TOKEN, 'success');
    expect(check().ok).toBe(true);
  });

  it('a /fail ping asks for a check now', async () => {
    const { attachment } = engine(configFor());
    expect(attachment.checkNow.pending).toBe(0);
    expect((await ping('/1')).status).toBe(200);
    expect(attachment.checkNow.pending).toBe(1);
    expect(await attachment.checkNow.wait(60_000, clock)).toEqual(['nightly']);
  });
});

describe('the ping endpoint under attack', () => {
  it('an unknown token is 404 and says nothing; more guesses get 429, and cannot silence the right token', async () => {
    engine(configFor());
    for (let i = 0; i < 3; i++) {
      const wrong = await fetch(`${base}/ping/${TOKEN.slice(0, -1)}x`, { method: 'POST' });
      expect(wrong.status).toBe(404);
      expect(await wrong.text()).toBe('not found');
    }
    expect((await fetch(`${base}/ping/guess-number-four-000000`, { method: 'POST' })).status).toBe(429);
    // Same client address (behind a proxy every client is): the job's real ping still counts.
    expect((await ping()).status).toBe(200);
    clock.advance(61_000);
    expect((await fetch(`${base}/ping/guess-number-five-000000`, { method: 'POST' })).status).toBe(404);
  });

  it('one token flooding gets 429 beyond its budget; another token is not affected', async () => {
    const flooding = new Listener({ now: () => clock.now(), limits: { requests: 5 } });
    flooding.attach('local', configFor());
    const statuses: number[] = [];
    const fake = {
      method: 'POST',
      url: `/ping/${TOKEN}`,
      socket: { remoteAddress: '203.0.113.9' },
      resume() {},
    };
    for (let i = 0; i < 7; i++) {
      let status = 0;
      const res = { writeHead: (s: number) => ((status = s), { end: () => undefined }) };
      flooding.handle(fake as never, res as never);
      statuses.push(status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('paths that are not pings are 404, other methods 405, and nothing is logged with the token', async () => {
    engine(configFor());
    expect((await fetch(`${base}/ping/${TOKEN}/start/extra`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/ping/${TOKEN}/bogus`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/ping/${TOKEN}`, { method: 'DELETE' })).status).toBe(405);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('without a listener (a scheduled Action, check) a heartbeat is not checked, never down', async () => {
    const config = configFor();
    const { deps } = buildDeps(config, {
      env: {},
      logger,
      statePath: join(dir, 'state.json'),
      incidents: 'none',
      clock,
    });
    const result = await sweep(deps, emptyState());
    expect(result.services.nightly).toMatchObject({ unchecked: true });
    expect(result.services.nightly.error).toMatch(/cannot receive pings/);
    expect(result.services.nightly.attempts).toEqual([]);
  });
});

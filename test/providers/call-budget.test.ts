import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import type { RawConfigInput } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import { CallBudgets, limitFor, sharedCallBudgets } from '../../src/providers/call-budget.js';
import { requestJson } from '../../src/providers/http.js';
import { providerFor } from '../../src/providers/registry.js';
import type { ProviderContext } from '../../src/providers/types.js';
import { emptyState } from '../../src/state/records.js';
import { silentLogger } from '../../src/util/logger.js';
import { virtualClock } from '../helpers/clock.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { RAILWAY_FIXTURE as F, startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { makeWorld } from '../helpers/world.js';

/** A real loopback API: answers from a script, and records the (virtual) time of every request it gets. */
let answers: Array<{ status: number; headers?: Record<string, string> }> = [];
let seenAt: number[] = [];
let clock = virtualClock();
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seenAt.push(clock.now());
    const answer = answers.shift() ?? { status: 200 };
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify({ ok: answer.status < 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/restart`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  answers = [];
  seenAt = [];
  clock = virtualClock();
});

const ctxFor = (extra: Partial<ProviderContext> = {}): ProviderContext => ({
  env: { RENDER_API_KEY: 'rnd_secret_key_123456' },
  fetch: globalThis.fetch,
  clock,
  logger: silentLogger,
  timing: { retries: 0 },
  ...extra,
});
const call = (ctx: ProviderContext) =>
  requestJson(z.unknown(), ctx, {
    url,
    method: 'POST',
    service: { id: 'api', name: 'API' },
    provider: 'render',
    operation: 'restart',
    tokenEnv: 'RENDER_API_KEY',
  });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e as Error).message,
  );

describe('the platform API call budget (requestJson)', () => {
  it('after a 429 with Retry-After: 30 the platform is not called again before 30 s', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '30' } }];
    const start = clock.now();
    expect(await failure(call(ctxFor()))).toMatch(/HTTP 429/);
    clock.advance(10_000);
    // Forensics (and diagnostics) yield at once, with the reason; nothing is sent.
    const skipped = await failure(call(ctxFor({ callPurpose: 'forensics' })));
    expect(skipped).toMatch(/not called: Render asked to wait 20s \(rate limited\)/);
    expect(skipped).not.toContain('rnd_secret_key_123456');
    expect(seenAt).toHaveLength(1);
    // A recovery waits the 20 s left, then calls.
    await call(ctxFor());
    expect(seenAt.map((t) => t - start)).toEqual([0, 30_000]);
  });

  it('the retry inside one call honours Retry-After too', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '30' } }];
    const start = clock.now();
    await call(ctxFor({ timing: { retries: 2 } }));
    expect(seenAt.map((t) => t - start)).toEqual([0, 30_000]);
  });

  it('X-RateLimit-Remaining: 0 blocks the next call until X-RateLimit-Reset', async () => {
    const start = clock.now();
    const reset = Math.floor(start / 1000) + 45;
    answers = [
      { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } },
    ];
    await call(ctxFor());
    await call(ctxFor());
    expect(seenAt.map((t) => t - start)).toEqual([0, 45_000]);
  });

  it('a wait longer than a minute is not made inside a sweep: the call fails and says so', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '3600' } }];
    await failure(call(ctxFor()));
    expect(await failure(call(ctxFor()))).toMatch(/not called: Render asked to wait 1h/);
    expect(seenAt).toHaveLength(1);
  });

  it("counts per token: the hour's budget is spent for one token, not for another", async () => {
    const budgets = new CallBudgets();
    const limited = ctxFor({ callBudgets: budgets, apiBudget: { render: { perHour: 3 } } });
    for (let i = 0; i < 3; i++) await call(limited);
    expect(await failure(call(limited))).toMatch(
      /API budget of this token is spent \(3 calls in the last hour of 3\)/,
    );
    const other = { ...limited, env: { RENDER_API_KEY: 'another_key_7890123' } };
    await call(other);
    expect(seenAt).toHaveLength(4);
    clock.advance(3_600_000);
    await call(limited);
    expect(seenAt).toHaveLength(5);
  });

  it('limits per platform and plan: Railway Hobby 1,000/h by default, Free and Pro by name, perHour over all', () => {
    expect(limitFor('railway', undefined)).toEqual({ perHour: 1000, reservePercent: 20 });
    expect(limitFor('railway', { railway: { plan: 'free' } }).perHour).toBe(100);
    expect(limitFor('railway', { railway: { plan: 'pro', perHour: 5000, reserve: 5 } })).toEqual({
      perHour: 5000,
      reservePercent: 5,
    });
    expect(limitFor('render', undefined).perHour).toBeUndefined();
    // A hostile platform name is just unknown.
    expect(limitFor('__proto__', { __proto__: { perHour: 1 } } as never).perHour).toBeUndefined();
  });
});

describe('forensics yield to recovery in a sweep', () => {
  let railway: RailwayServer;
  beforeEach(async () => {
    railway = await startRailwayServer({ pollsUntilDone: 1 });
  });
  afterEach(async () => {
    await railway.close();
  });

  it('with the budget nearly spent the restart still happens and the incident says forensics were skipped', async () => {
    const raw: RawConfigInput = {
      mode: 'extreme',
      apiBudget: { railway: { perHour: 100 } },
      services: {
        backend: { url: 'http://127.0.0.1:1/h', recovery: { provider: 'railway', serviceId: F.backend } },
      },
    };
    const w = makeWorld(raw, {});
    const incidents = new MemoryIncidentLog();
    w.deps.incidents = incidents;
    w.deps.provider = providerFor;
    w.deps.providerContext = {
      ...w.deps.providerContext,
      env: { RAILWAY_API_URL: railway.url, RAILWAY_TOKEN: F.projectToken },
      timing: { pollIntervalMs: 10, retries: 0 },
    };
    // 85 of the hour's 100 calls already made with this token: 15 left, 20% (20) kept for recovery.
    const key = CallBudgets.keyOf(`railway@${new URL(railway.url).host}`, F.projectToken);
    const budgets = sharedCallBudgets(w.clock);
    for (let i = 0; i < 85; i++) budgets.record(key, w.clock.now());
    let state = emptyState();
    state = (await sweep(w.deps, state)).state;
    w.clock.advance(5000);
    w.world.backend.up = false;
    // The restart does not bring it back by itself in this world: the Railway restart does (server side).
    w.world.backend.restartFixes = true;
    const result = await sweep(w.deps, state);
    expect(railway.state.restarts).toEqual(['dep-backend-1']);
    expect(result.services.backend.attempts.map((a) => a.providerOk)).toEqual([true]);
    const comments = incidents.issues[0].comments.join('\n');
    expect(comments).toMatch(
      /not called: the Railway API budget is nearly spent \(\d+ of 100 calls left this hour, 20% kept for recovery\)/,
    );
    // Only recovery's calls reached the platform: no deployment list, no logs.
    expect(railway.requests.map((r) => r.operationName)).not.toContain('Deployments');
    expect(budgets.used(key, w.clock.now())).toBeLessThanOrEqual(100);
  });
});

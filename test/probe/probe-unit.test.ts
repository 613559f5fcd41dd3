import { describe, expect, it } from '@jest/globals';
import type { ServiceConfig } from '../../src/config/schema.js';
import { deepEqual, jsonPath, probeService, statusExpected } from '../../src/probe/probe.js';

const svc: ServiceConfig = {
  id: 'api',
  name: 'API',
  url: 'https://api.example.test/health?token=s3cr3t-token',
  method: 'GET',
  headers: {},
  expect: { status: [[200, 299]] },
  timeout: 200,
};

describe('probe helpers', () => {
  it('matches statuses against inclusive ranges', () => {
    expect(statusExpected(200, [[200, 299]])).toBe(true);
    expect(statusExpected(299, [[200, 299]])).toBe(true);
    expect(statusExpected(300, [[200, 299]])).toBe(false);
    expect(
      statusExpected(404, [
        [200, 299],
        [404, 404],
      ]),
    ).toBe(true);
  });

  it('resolves dotted paths through objects, arrays and dotted keys', () => {
    const doc = { a: { b: [10, { c: 'x' }] }, 'd.e': 1, n: null };
    expect(jsonPath(doc, 'a.b.1.c')).toEqual({ present: true, value: 'x' });
    expect(jsonPath(doc, 'd.e')).toEqual({ present: true, value: 1 });
    expect(jsonPath(doc, 'n')).toEqual({ present: true, value: null });
    expect(jsonPath(doc, 'a.b.2').present).toBe(false);
    expect(jsonPath(doc, 'n.x').present).toBe(false);
  });

  it('compares JSON values structurally', () => {
    expect(deepEqual({ a: [1, { b: true }] }, { a: [1, { b: true }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
  });
});

describe('probeService with an injected fetch', () => {
  it('times out even when fetch ignores the abort signal', async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    // `never` ignores the signal and never settles: only the probe's own deadline ends this.
    const result = await probeService(svc, { fetch: never });
    expect(result).toMatchObject({ ok: false, kind: 'timeout', error: 'timed out after 200ms' });
  });

  it('never throws, and never puts the URL (which may hold a token) in the error', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${svc.url}`), { code: 'ENOTFOUND' }),
      });
    };
    const result = await probeService(svc, { fetch: failing });
    expect(result).toMatchObject({ ok: false, kind: 'network', error: 'host not found (DNS lookup failed)' });
    expect(result.error).not.toContain('s3cr3t');
  });

  it('finds a refused connection inside an AggregateError (IPv4 and IPv6 both tried)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new AggregateError([refused, refused]) });
    };
    expect(await probeService(svc, { fetch: failing })).toMatchObject({
      kind: 'refused',
      error: 'connection refused',
    });
  });

  it('measures response time with the injected monotonic clock', async () => {
    const ticks = [1000, 1250];
    const ok: typeof fetch = async () => new Response('ok', { status: 200 });
    const result = await probeService(svc, { fetch: ok, elapsed: () => ticks.shift() ?? 0 });
    expect(result).toMatchObject({ ok: true, responseMs: 250 });
  });
});

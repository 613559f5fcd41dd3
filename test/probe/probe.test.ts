import { afterAll, describe, expect, it } from '@jest/globals';
import type { ServiceConfig } from '../../src/config/schema.js';
import { probeService } from '../../src/probe/probe.js';
import { closeAllTestServers, refusedUrl, startTestServer } from '../helpers/servers.js';

function service(url: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    id: 'api',
    name: 'API',
    url,
    method: 'GET',
    headers: {},
    expect: { status: [[200, 399]] },
    timeout: 10_000, // healthy loopback answers never time out under load; timeout tests set 300 ms
    ...overrides,
  };
}

afterAll(closeAllTestServers);

describe('probeService against real loopback servers', () => {
  it('reports a healthy service as ok with its status and response time', async () => {
    const server = await startTestServer({ kind: 'up' });
    // Injected clocks: `at` from the wall clock, `responseMs` from the monotonic one (two readings).
    const readings = [1000, 1042];
    const result = await probeService(service(server.url, { expect: { status: [[200, 299]], body: 'ok' } }), {
      now: () => Date.UTC(2026, 0, 1),
      elapsed: () => readings.shift() ?? Number.NaN,
    });
    expect(result).toMatchObject({ service: 'api', ok: true, kind: 'ok', status: 200 });
    expect(result.error).toBeUndefined();
    expect(result.at).toBe(Date.UTC(2026, 0, 1));
    expect(result.responseMs).toBe(42);
  });

  it('fails a 500 with "HTTP 500"', async () => {
    const server = await startTestServer({ kind: 'status', status: 500 });
    const result = await probeService(service(server.url));
    expect(result).toMatchObject({ ok: false, kind: 'status', status: 500, error: 'HTTP 500' });
  });

  it('accepts a status inside a configured range and rejects one outside it', async () => {
    const server = await startTestServer({ kind: 'status', status: 418 });
    const teapot = service(server.url, {
      expect: {
        status: [
          [200, 204],
          [418, 418],
        ],
      },
    });
    expect((await probeService(teapot)).ok).toBe(true);
    server.set({ kind: 'status', status: 205 });
    // With an expect.status of its own, the error says what was expected too.
    expect(await probeService(teapot)).toMatchObject({
      ok: false,
      error: 'HTTP 205, expected 200-204 or 418',
    });
  });

  it('measures a slow answer that still comes in time', async () => {
    const server = await startTestServer({ kind: 'slow', ms: 150 });
    const result = await probeService(service(server.url));
    expect(result.ok).toBe(true);
    expect(result.responseMs).toBeGreaterThanOrEqual(140);
  });

  it('fails a hanging server at the timeout instead of waiting', async () => {
    const server = await startTestServer({ kind: 'hang' });
    // Without the probe's own timeout this would never settle (the server never answers).
    const result = await probeService(service(server.url, { timeout: 300 }));
    expect(result).toMatchObject({ ok: false, kind: 'timeout', error: 'timed out after 300ms' });
    expect(result.responseMs).toBeGreaterThanOrEqual(290);
  });

  it('fails a server that sends headers and then trickles the body at the timeout', async () => {
    const server = await startTestServer({ kind: 'trickle', intervalMs: 20 });
    // The body never ends: only the probe's own deadline settles this.
    const result = await probeService(service(server.url, { timeout: 300 }));
    expect(result).toMatchObject({ ok: false, kind: 'timeout', error: 'timed out after 300ms' });
  });

  it('reports a refused connection', async () => {
    const result = await probeService(service(await refusedUrl()));
    expect(result).toMatchObject({ ok: false, kind: 'refused', error: 'connection refused' });
  });

  it('reports a connection closed without an answer as a network failure', async () => {
    const server = await startTestServer({ kind: 'close' });
    const result = await probeService(service(server.url));
    expect(result).toMatchObject({ ok: false, kind: 'network' });
    expect(result.error).toMatch(/connection closed/);
  });

  it('fails when the body lacks the expected text', async () => {
    const server = await startTestServer({ kind: 'up', body: 'starting' });
    const result = await probeService(service(server.url, { expect: { status: [[200, 299]], body: 'ok' } }));
    expect(result).toMatchObject({ ok: false, kind: 'body', status: 200, error: 'body lacks "ok"' });
  });

  it('checks JSON paths with deep equality', async () => {
    const server = await startTestServer({
      kind: 'json',
      body: {
        status: 'ok',
        checks: { db: false, cache: true },
        items: [{ ok: true }],
        version: { major: 2 },
      },
    });
    const expectJson = (json: Record<string, unknown>) =>
      probeService(service(server.url, { expect: { status: [[200, 299]], json } }));

    expect((await expectJson({ status: 'ok', 'items.0.ok': true, version: { major: 2 } })).ok).toBe(true);
    expect(await expectJson({ 'checks.db': true })).toMatchObject({
      ok: false,
      kind: 'json',
      error: 'json checks.db: expected true',
    });
    expect((await expectJson({ 'checks.queue': true })).error).toBe(
      'json checks.queue is missing, expected true',
    );
    expect((await expectJson({ 'items.1.ok': true })).error).toBe(
      'json items.1.ok is missing, expected true',
    );
  });

  it('fails a JSON assertion on a body that is not JSON', async () => {
    const server = await startTestServer({ kind: 'up', body: '<html>ok</html>' });
    const result = await probeService(
      service(server.url, { expect: { status: [[200, 299]], json: { status: 'ok' } } }),
    );
    expect(result).toMatchObject({
      ok: false,
      kind: 'json',
      error: 'body is not JSON, expected status = "ok"',
    });
  });

  it('sends the configured method and headers and follows redirects', async () => {
    const target = await startTestServer({ kind: 'up' });
    const front = await startTestServer({ kind: 'redirect', location: target.url });
    const result = await probeService(
      service(front.url, { method: 'POST', headers: { 'X-Probe': 'yes' }, expect: { status: [[200, 200]] } }),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(front.log[0]).toMatchObject({ method: 'POST' });
    expect(front.log[0].headers['x-probe']).toBe('yes');
    expect(target.requests).toBe(1);
  });

  it('reads at most the body limit, so a huge body neither hangs nor fails a status-only check', async () => {
    const server = await startTestServer({ kind: 'up', body: 'x'.repeat(3 * 1024 * 1024) + 'ok' });
    const result = await probeService(service(server.url, { expect: { status: [[200, 299]], body: 'ok' } }), {
      maxBodyBytes: 1024,
    });
    expect(result).toMatchObject({ ok: false, kind: 'body' });
    expect((await probeService(service(server.url))).ok).toBe(true);
  });

  it('marks confirm re-probes and stamps the start time from the injected clock', async () => {
    const server = await startTestServer({ kind: 'up' });
    const result = await probeService(service(server.url), { confirm: true, now: () => 1_700_000_000_000 });
    expect(result).toMatchObject({ ok: true, confirm: true, at: 1_700_000_000_000 });
  });
});

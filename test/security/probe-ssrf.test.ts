import { afterAll, describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import type { ServiceConfig } from '../../src/config/schema.js';
import { probeService } from '../../src/probe/probe.js';
import type { LookupFunction } from '../../src/util/net-address.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

/** Attacks through the probe (issue 9: SSRF, header leaks, quoting what an endpoint answered). */

function service(url: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    id: 'api',
    name: 'API',
    url,
    method: 'GET',
    headers: {},
    expect: { status: [[200, 399]] },
    timeout: 3000,
    ...overrides,
  };
}

/** A resolver that answers from a table, like a DNS server the attacker controls. */
function fakeDns(table: Record<string, string | string[]>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup = ((hostname, _options, callback) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (!entry) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
    const list = Array.isArray(entry) ? entry : [entry];
    const address = calls.filter((c) => c === hostname).length > 1 && list.length > 1 ? list[1] : list[0];
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 } as LookupAddress]);
  }) as LookupFunction & { calls: string[] };
  lookup.calls = calls;
  return lookup;
}

/**
 * A hop fetch for a name that "resolves" to a public address: the request really goes to the loopback
 * server behind it (the internet is out of reach in tests), so only the redirect target decides.
 */
function publicFront(port: number): typeof fetch {
  return ((url: URL | string, init?: RequestInit) => {
    const target = new URL(String(url));
    if (target.hostname === 'public.example') {
      target.hostname = '127.0.0.1';
      target.port = String(port);
    }
    return fetch(target, init);
  }) as typeof fetch;
}

afterAll(closeAllTestServers);

describe('private targets under the hosted policy (deny)', () => {
  it('refuses a loopback URL, naming the setting that allows it', async () => {
    const internal = await startTestServer({ kind: 'up' });
    const result = await probeService(service(internal.url), { privateTargets: 'deny' });
    expect(result).toMatchObject({ ok: false, kind: 'network' });
    expect(result.error).toContain('UPTIME_PRIVATE_TARGETS=allow');
    expect(internal.requests).toBe(0);
  });

  it.each([
    ['localhost (a name that resolves to 127.0.0.1)', 'localhost'],
    ['IPv4-mapped IPv6', '[::ffff:127.0.0.1]'],
    ['0.0.0.0', '0.0.0.0'],
    ['a decimal IPv4 literal', '2130706433'],
  ])('refuses %s', async (_label, host) => {
    const internal = await startTestServer({ kind: 'up' });
    const result = await probeService(service(`http://${host}:${internal.port}/health`), {
      privateTargets: 'deny',
    });
    expect(result.error).toContain('UPTIME_PRIVATE_TARGETS=allow');
    expect(internal.requests).toBe(0);
  });

  it('refuses a DNS name that resolves to 127.0.0.1', async () => {
    const internal = await startTestServer({ kind: 'up' });
    const lookup = fakeDns({ 'evil.test': '127.0.0.1' });
    const result = await probeService(service(`http://evil.test:${internal.port}/health`), {
      privateTargets: 'deny',
      lookup,
    });
    expect(result.error).toContain('evil.test (127.0.0.1)');
    expect(internal.requests).toBe(0);
  });

  it('refuses at connect time a name that resolves to public first and loopback next (DNS rebinding)', async () => {
    const internal = await startTestServer({ kind: 'up' });
    const lookup = fakeDns({ 'rebind.test': ['93.184.216.34', '127.0.0.1'] });
    const result = await probeService(service(`http://rebind.test:${internal.port}/health`), {
      privateTargets: 'deny',
      lookup,
    });
    expect(lookup.calls.length).toBeGreaterThanOrEqual(2);
    expect(result.error).toContain('UPTIME_PRIVATE_TARGETS=allow');
    expect(internal.requests).toBe(0);
  });

  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/secret`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['a private network', () => 'http://10.0.0.7/admin'],
  ])('refuses a redirect to %s from an allowed host', async (_label, target) => {
    const internal = await startTestServer({ kind: 'json', body: { SecretAccessKey: 'AKIA-internal' } });
    const front = await startTestServer({ kind: 'redirect', location: target(internal.port) });
    const result = await probeService(service(`http://public.example/health`), {
      privateTargets: 'deny',
      lookup: fakeDns({ 'public.example': '93.184.216.34' }),
      fetch: publicFront(front.port),
    });
    expect(front.requests).toBe(1);
    expect(internal.requests).toBe(0);
    expect(result).toMatchObject({ ok: false, kind: 'network' });
    expect(result.error).toContain('UPTIME_PRIVATE_TARGETS=allow');
  });

  it('still probes loopback when private targets are allowed (the Action and CLI default)', async () => {
    const internal = await startTestServer({ kind: 'up' });
    expect(await probeService(service(internal.url))).toMatchObject({ ok: true, status: 200 });
    expect(await probeService(service(internal.url), { privateTargets: 'allow' })).toMatchObject({
      ok: true,
    });
  });
});

describe('redirects', () => {
  it('drops Authorization, Cookie and every configured header on a cross-origin redirect', async () => {
    const other = await startTestServer({ kind: 'up' });
    const first = await startTestServer({
      kind: 'redirect',
      location: `http://localhost:${other.port}/health`,
    });
    const headers = { Authorization: 'Bearer tok-1', Cookie: 'sid=abc', 'X-Api-Key': 'key-123' };
    const result = await probeService(service(first.url, { headers }));
    expect(result.ok).toBe(true);
    expect(first.log[0].headers).toMatchObject({ authorization: 'Bearer tok-1', 'x-api-key': 'key-123' });
    const leaked = other.log[0].headers;
    expect(leaked.authorization).toBeUndefined();
    expect(leaked.cookie).toBeUndefined();
    expect(leaked['x-api-key']).toBeUndefined();
    expect(leaked['user-agent']).toBe('uptime-action (health check)');
  });

  it('keeps the configured headers on a same-origin redirect', async () => {
    const server = await startTestServer({
      kind: 'custom',
      handle: (req, res) => {
        if (req.url === '/health') res.writeHead(302, { location: '/ready' }).end();
        else res.writeHead(200).end('ok');
      },
    });
    await probeService(service(server.url, { headers: { 'X-Api-Key': 'key-123' } }));
    expect(server.log.map((r) => [r.url, r.headers['x-api-key']])).toEqual([
      ['/health', 'key-123'],
      ['/ready', 'key-123'],
    ]);
  });

  it('stops after 5 redirects', async () => {
    const loop = await startTestServer({
      kind: 'custom',
      handle: (_q, r) => r.writeHead(302, { location: '/again' }).end(),
    });
    const result = await probeService(service(loop.url));
    expect(result).toMatchObject({ ok: false, kind: 'network', error: 'more than 5 redirects' });
    expect(loop.requests).toBe(6);
  });
});

describe('what an endpoint answered is never quoted', () => {
  it('a failed expect.json names the assertion and the expected value, not the value found', async () => {
    const server = await startTestServer({
      kind: 'json',
      body: {
        SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        status: '@someone [x](https://evil.example)',
      },
    });
    const secret = await probeService(
      service(server.url, { expect: { status: [[200, 299]], json: { SecretAccessKey: 'guess' } } }),
    );
    expect(secret).toMatchObject({
      ok: false,
      kind: 'json',
      error: 'json SecretAccessKey: expected "guess"',
    });
    const status = await probeService(
      service(server.url, { expect: { status: [[200, 299]], json: { status: 'ok' } } }),
    );
    expect(status.error).toBe('json status: expected "ok"');
    expect(status.error).not.toContain('@someone');
  });
});

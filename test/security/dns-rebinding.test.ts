/**
 * DNS rebinding against every request the hosted bot makes. The bot always passes a fetch of its own (its
 * probes, the webhook provider, notifications, each redirect hop go through it); the name is checked public
 * before the request and resolves to 127.0.0.1 when the connection is made. The hop fetch below resolves
 * through the attacker's DNS as the host's resolver would; under `deny` the connection must still be refused.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ServiceConfig } from '../../src/config/schema.js';
import { probeService } from '../../src/probe/probe.js';
import type { LookupFunction } from '../../src/util/net-address.js';
import { createSafeFetch } from '../../src/util/net.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

const PUBLIC = '93.184.216.34';

/** The attacker's DNS: a public address the first time a name is asked, 127.0.0.1 every time after. */
function rebindingDns(): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup = ((
    hostname: string,
    _options: unknown,
    callback: (e: Error | null, a: LookupAddress[]) => void,
  ) => {
    calls.push(hostname);
    const first = calls.filter((c) => c === hostname).length === 1;
    callback(null, [{ address: first ? PUBLIC : '127.0.0.1', family: 4 }]);
  }) as unknown as LookupFunction & { calls: string[] };
  lookup.calls = calls;
  return lookup;
}

/**
 * The bot's hop fetch on a host whose resolver is `lookup` (the attacker's answers reach it too). A front
 * named `public.example` stands for a real public server: it is reached on 127.0.0.1 by address (no lookup).
 */
function hostFetch(lookup: LookupFunction, frontPort?: number): typeof fetch {
  const resolver = new Agent({ connect: { lookup: lookup as never } });
  return ((input: URL | string, init?: RequestInit) => {
    const url = new URL(String(input));
    if (url.hostname === 'public.example' && frontPort) {
      url.hostname = '127.0.0.1';
      url.port = String(frontPort);
    }
    return undiciFetch(url, { dispatcher: resolver, ...(init as object) } as never);
  }) as unknown as typeof fetch;
}

const service = (url: string): ServiceConfig => ({
  id: 'api',
  name: 'API',
  url,
  method: 'GET',
  headers: {},
  expect: { status: [[200, 399]] },
  timeout: 3000,
});

afterAll(closeAllTestServers);

describe('DNS rebinding under UPTIME_PRIVATE_TARGETS=deny, with the bot passing its own fetch', () => {
  it('a health check of a rebinding name never reaches the internal service', async () => {
    const internal = await startTestServer({
      kind: 'json',
      body: { internal: 'admin-api', db_host: '10.0.0.5' },
    });
    const lookup = rebindingDns();
    const result = await probeService(service(`http://rebind.test:${internal.port}/health`), {
      privateTargets: 'deny',
      fetch: hostFetch(lookup),
      lookup,
    });
    expect(internal.requests).toBe(0);
    expect(lookup.calls.length).toBeGreaterThanOrEqual(2); // checked, then refused at connect
    expect(result).toMatchObject({ ok: false, kind: 'network' });
    expect(result.error).toContain('UPTIME_PRIVATE_TARGETS=allow');
    expect(JSON.stringify(result)).not.toContain('admin-api');
  });

  it('a notification or webhook POST (the hosted configFetch) never reaches loopback', async () => {
    const internal = await startTestServer({ kind: 'up' });
    const lookup = rebindingDns();
    const configFetch = createSafeFetch({ fetch: hostFetch(lookup), privateTargets: 'deny', lookup });
    await expect(
      configFetch(`http://hook.rebind.test:${internal.port}/notify`, {
        method: 'POST',
        body: '{"text":"down"}',
      }),
    ).rejects.toThrow('fetch failed');
    expect(internal.requests).toBe(0);
  });

  it('a redirect from a public server to a second rebinding name is refused at connect', async () => {
    const internal = await startTestServer({ kind: 'json', body: { internal: 'admin-api' } });
    const front = await startTestServer({
      kind: 'redirect',
      location: `http://second.rebind.test:${internal.port}/x`,
    });
    const lookup = rebindingDns();
    const result = await probeService(service('http://public.example/health'), {
      privateTargets: 'deny',
      fetch: hostFetch(lookup, front.port),
      lookup,
    });
    expect(front.requests).toBe(1);
    expect(internal.requests).toBe(0);
    expect(result.ok).toBe(false);
  });

  it("with Node's own fetch as bot/app.ts passes it (outside nock), the guarded connection is used too", async () => {
    const internal = await startTestServer({ kind: 'up' });
    // Node's fetch is intercepted by nock in this process: the bot's own `globalThis.fetch` runs in a child.
    const script = [
      `import { createSafeFetch } from ${JSON.stringify(new URL('../../src/util/net.ts', import.meta.url).href)};`,
      'let n = 0;',
      "const lookup = (h, o, cb) => cb(null, [{ address: n++ ? '127.0.0.1' : '93.184.216.34', family: 4 }]);",
      "const f = createSafeFetch({ fetch: (...a) => globalThis.fetch(...a), privateTargets: 'deny', lookup });",
      `try { await f('http://node.rebind.test:${internal.port}/notify'); console.log('reached'); }`,
      'catch (e) { console.log(`refused after ${n} lookups: ${e.cause?.message}`); }',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
    );
    expect(stdout).toMatch(/^refused after 2 lookups: .*127\.0\.0\.1/);
    expect(internal.requests).toBe(0);
  });

  it('still uses the caller fetch for each hop (its answers come back) and reaches a public name', async () => {
    const front = await startTestServer({ kind: 'up' });
    const lookup = rebindingDns();
    const result = await probeService(service('http://public.example/health'), {
      privateTargets: 'deny',
      fetch: hostFetch(lookup, front.port),
      lookup,
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(front.requests).toBe(1);
  });
});

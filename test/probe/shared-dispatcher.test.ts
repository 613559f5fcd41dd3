import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { probeService } from '../../src/probe/probe.js';
import { startForwardProxy } from '../action/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/**
 * Probes made through undici's dispatchers (behind a proxy, or under the hosted policy's guarded DNS) share one
 * dispatcher: a sweep reuses its connections instead of opening one per probe and leaving each idle socket (a
 * file descriptor) behind in an agent of its own. Real loopback proxy and server; the proxy counts the TCP
 * connections it was given.
 */
let api: TestServer;
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
const saved = process.env.HTTP_PROXY;

beforeAll(async () => {
  api = await startTestServer({ kind: 'up' });
  proxy = await startForwardProxy({ 'web.service.test': api.url });
  process.env.HTTP_PROXY = proxy.url;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.HTTP_PROXY;
  else process.env.HTTP_PROXY = saved;
  await Promise.all([api.close(), proxy.close()]);
});

describe('probes behind a proxy', () => {
  it('20 probes one after another reuse one connection to the proxy (not 20)', async () => {
    const { services } = parseConfig(
      { services: { web: { url: 'http://web.service.test/health' } } },
      'test',
    );
    for (let i = 0; i < 20; i++) {
      const result = await probeService(services.web);
      expect(result).toMatchObject({ ok: true, status: 200 });
    }
    // undici tunnels through the proxy (CONNECT): one tunnel per connection, each counted once.
    expect(proxy.seen['web.service.test']).toBeLessThanOrEqual(2);
    expect(proxy.connections()).toBeLessThanOrEqual(2);
    expect(api.requests).toBe(20);
  });
});

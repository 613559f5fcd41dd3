import { afterAll, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { probeService } from '../../src/probe/probe.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

/**
 * A monitor whose event loop is blocked (a starved CPU, a long synchronous task) cannot tell a hanging service
 * from its own stall: when the probe's deadline fires more than a second late, its timeout is "not checked"
 * (local), never a failure of the service. Real loopback server that never answers; the loop is really blocked.
 */
afterAll(closeAllTestServers);

const hangingService = async () => {
  const server = await startTestServer({ kind: 'hang' });
  return parseConfig({ services: { api: { url: server.url, timeout: '200ms' } } }, 'test').services.api;
};

/** Keeps the event loop busy for `ms` (synchronously). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('a timeout while the monitor itself was stalled', () => {
  it('is "not checked" (local), and says why, when the deadline fired well after it was due', async () => {
    const service = await hangingService();
    const probing = probeService(service);
    block(1600); // the 200 ms deadline can fire only after this: about 1.4 s late
    const result = await probing;
    expect(result).toMatchObject({ ok: false, kind: 'timeout', local: true });
    expect(result.error).toMatch(/too busy.*late.*probeConcurrency/);
  });

  it('an ordinary timeout of a hanging service stays a failure of that service', async () => {
    const service = await hangingService();
    const result = await probeService(service);
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(result.local).toBeUndefined();
  });
});

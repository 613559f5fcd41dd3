import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { MAX_ANSWER_BYTES } from '../../src/providers/http.js';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext } from './context.js';

const servers: http.Server[] = [];
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback endpoint that answers 200 and streams 64 KiB chunks until the client goes away. */
async function endlessServer(): Promise<{ url: string; sent: () => number; closed: Promise<void> }> {
  let sent = 0;
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      if (!res.destroyed) sent += chunk.length;
    };
    res.on('drain', pump);
    res.on('close', markClosed);
    pump();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, sent: () => sent, closed };
}

describe('provider answers are bounded and parsed (issues 9, 10)', () => {
  it('stops reading a webhook answer that streams forever at 1 MiB, with a clear error', async () => {
    const endless = await endlessServer();
    const service = serviceWith({ provider: 'webhook', url: endless.url });
    const { ctx } = testContext({}, { requestTimeoutMs: 20_000 });
    const error = await providerFor('webhook')
      .restart(service, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/larger than 1024 KiB; the read was stopped/);
    // The read stopped: the server saw the connection close, having sent little more than the cap.
    await endless.closed;
    expect(endless.sent()).toBeLessThan(MAX_ANSWER_BYTES * 8);
  });

  it('turns a malformed Render answer into a ProviderError naming service, platform, operation and field', async () => {
    nock.disableNetConnect();
    nock('https://api.render.com').post('/v1/services/srv-1/deploys').reply(201, { id: 42 });
    const service = serviceWith({ provider: 'render', serviceId: 'srv-1', actions: ['redeploy'] });
    const { ctx } = testContext({ RENDER_API_KEY: 'rnd_secret_key' });
    const error = await providerFor('render')
      .redeploy(service, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).details).toMatchObject({
      service: 'backend',
      provider: 'render',
      operation: 'redeploy',
    });
    expect((error as Error).message).toMatch(
      /Service "Backend Node.js": Render redeploy failed \(unexpected answer \(HTTP 201\): id: .*expected string/,
    );
  });

  it('turns a Fly answer that is not a list into a ProviderError, not a TypeError', async () => {
    nock.disableNetConnect();
    nock('https://api.machines.dev').get('/v1/apps/web/machines').reply(200, { machines: 'nope' });
    const service = serviceWith({ provider: 'fly', app: 'web' });
    const { ctx } = testContext({ FLY_API_TOKEN: 'fly-token-123' });
    await expect(providerFor('fly').restart(service, ctx)).rejects.toThrow(
      /Fly\.io restart failed \(unexpected answer \(HTTP 200\): answer: .*expected array/,
    );
  });

  it('keeps only a short redacted excerpt of a webhook answer', async () => {
    nock.disableNetConnect();
    const secret = 'hook-secret-abcdef';
    nock('https://ops.example.com')
      .post('/hook')
      .reply(200, `echo ${secret} ${'x'.repeat(5000)}`);
    const service = serviceWith({
      provider: 'webhook',
      url: 'https://ops.example.com/hook',
      secretEnv: 'HOOK_SECRET',
    });
    const result = await providerFor('webhook').restart(service, testContext({ HOOK_SECRET: secret }).ctx);
    expect(result.output!.length).toBeLessThanOrEqual(200);
    expect(result.output).toMatch(/^echo \*\*\* x+$/);
  });

  it('refuses a webhook secretEnv the host does not allow, naming UPTIME_CONFIG_ENV', async () => {
    nock.disableNetConnect();
    const service = serviceWith({
      provider: 'webhook',
      url: 'https://ops.example.com/hook',
      secretEnv: 'RAILWAY_API_TOKEN',
    });
    const { ctx } = testContext({ RAILWAY_API_TOKEN: 'host-token-123456' });
    const error = await providerFor('webhook')
      .restart(service, { ...ctx, allowedEnv: (name) => name === 'HOOK_SECRET' })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/RAILWAY_API_TOKEN.*UPTIME_CONFIG_ENV/);
    expect((error as Error).message).not.toContain('host-token-123456');
  });
});

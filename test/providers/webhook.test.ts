import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext, manualTimeouts } from './context.js';

const webhook = providerFor('webhook');
const SECRET = 'hook-secret-abcdef';
const service = serviceWith({
  provider: 'webhook',
  url: 'https://ops.example.com/hooks/restart',
  secretEnv: 'OPS_HOOK_SECRET',
});
const env = { OPS_HOOK_SECRET: SECRET };

afterEach(() => {
  nock.cleanAll();
});

describe('webhook provider', () => {
  it('POSTs { service, name, action, url, at } with the secret header; 2xx is success', async () => {
    let received: unknown;
    const scope = nock('https://ops.example.com', {
      reqheaders: { 'x-uptime-secret': SECRET, 'content-type': 'application/json' },
    })
      .post('/hooks/restart', (body) => ((received = body), true))
      .reply(202, 'queued');
    const { ctx } = testContext(env);
    const result = await webhook.redeploy(service, ctx);
    expect(result).toEqual({ ok: true, detail: 'webhook ops.example.com answered 202', output: 'queued' });
    expect(received).toEqual({
      service: 'backend',
      name: 'Backend Node.js',
      action: 'redeploy',
      url: 'https://backend.example.com/health',
      at: new Date(ctx.clock.now()).toISOString(),
    });
    expect(scope.isDone()).toBe(true);
  });

  it('uses a custom secret header and sends none without secretEnv', async () => {
    const custom = serviceWith({
      provider: 'webhook',
      url: 'https://ops.example.com/h',
      secretEnv: 'OPS_HOOK_SECRET',
      secretHeader: 'X-Hub-Token',
    });
    nock('https://ops.example.com', { reqheaders: { 'x-hub-token': SECRET } })
      .post('/h')
      .reply(200);
    expect((await webhook.restart(custom, testContext(env).ctx)).ok).toBe(true);
    const open = serviceWith({ provider: 'webhook', url: 'https://ops.example.com/h' });
    nock('https://ops.example.com', { badheaders: ['x-uptime-secret'] })
      .post('/h')
      .reply(204);
    expect((await webhook.restart(open, testContext(env).ctx)).ok).toBe(true);
  });

  it('retries a 502, then succeeds', async () => {
    nock('https://ops.example.com').post('/hooks/restart').reply(502).post('/hooks/restart').reply(200);
    const { ctx, retries } = testContext(env);
    expect((await webhook.restart(service, ctx)).ok).toBe(true);
    expect(retries).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    nock('https://ops.example.com')
      .post('/hooks/restart')
      .reply(429, '', { 'Retry-After': '5' })
      .post('/hooks/restart')
      .reply(200);
    const { ctx, sleeps } = testContext(env);
    await webhook.restart(service, ctx);
    expect(sleeps).toEqual([5000]);
  });

  it('does not retry a 401, and never shows the secret or the URL path', async () => {
    const scope = nock('https://ops.example.com')
      .post('/hooks/restart')
      .once()
      .reply(401, `bad secret ${SECRET}`);
    const error = (await webhook
      .restart(service, testContext(env).ctx)
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toContain('Service "Backend Node.js": Webhook restart failed (HTTP 401');
    expect(error.message).toContain('check OPS_HOOK_SECRET and recovery.secretHeader (X-Uptime-Secret)');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('/hooks/restart');
    expect(scope.isDone()).toBe(true);
  });

  it('times out after recovery.timeout and retries', async () => {
    const slow = serviceWith({ provider: 'webhook', url: 'https://ops.example.com/slow', timeout: 100 });
    const { timeoutSignal, neverInTime } = manualTimeouts();
    nock('https://ops.example.com').post('/slow').times(2).reply(neverInTime);
    const { ctx, retries } = testContext(env, { retries: 1, timeoutSignal });
    await expect(webhook.restart(slow, ctx)).rejects.toThrow(
      /Webhook restart failed \(no answer within 100ms\)/,
    );
    expect(retries).toHaveLength(1);
  });

  it('refuses to call without the secret it is configured to send', async () => {
    await expect(webhook.restart(service, testContext({}).ctx)).rejects.toThrow(
      /OPS_HOOK_SECRET is not set\)\. Set the environment variable OPS_HOOK_SECRET/,
    );
  });
});

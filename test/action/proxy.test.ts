import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionFetch, proxyConfigured, proxySecrets } from '../../action/proxy.js';
import { startGitHubStub, type GitHubStub } from '../helpers/github-stub.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';
import { buildFresh, runBundle } from './bundle.js';
import { actionEnv } from './env.js';
import { startForwardProxy } from './forward-proxy.js';
import { startRailwayStub } from './railway-stub.js';

// Host names that resolve nowhere: a request reaches its server only through the proxy.
let github: GitHubStub;
let api: TestServer;
let railway: Awaited<ReturnType<typeof startRailwayStub>>;
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
let dist: Awaited<ReturnType<typeof buildFresh>>;

beforeAll(async () => {
  [dist, github, api] = await Promise.all([
    buildFresh(),
    startGitHubStub(),
    startTestServer({ kind: 'status', status: 503 }),
  ]);
  railway = await startRailwayStub({ onRestart: () => api.set({ kind: 'up' }) });
  proxy = await startForwardProxy({
    'api.github.test': github.url,
    'web.service.test': api.url,
    'railway.test': railway.url,
  });
});
afterAll(async () => {
  await Promise.all([github.close(), api.close(), railway.close(), proxy.close()]);
  dist.remove();
});

describe('HTTP through the runner proxy (HTTP_PROXY / HTTPS_PROXY / NO_PROXY)', () => {
  test('the bundle sends GitHub (@actions/github), the probe and Railway through HTTP_PROXY, and masks its password', async () => {
    const proxyUrl = proxy.url.replace('http://', 'http://runner:pr0xy-pass-42@');
    const action = actionEnv({
      githubUrl: 'http://api.github.test',
      configYaml: `mode: extreme\nrecoveryTimeout: 5s\nservices:\n  web:\n    url: http://web.service.test/health\n    recovery: { provider: railway, serviceId: s1, environmentId: e1 }\n`,
      extraEnv: {
        HTTP_PROXY: proxyUrl,
        RAILWAY_API_TOKEN: 'rw_proxy_secret_9',
        RAILWAY_API_URL: 'http://railway.test/graphql/v2',
      },
    });
    const { code, output } = await runBundle(dist.dir, action.env);
    expect(output).not.toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(code).toBe(0);
    expect(action.outputs()).toMatchObject({
      status: 'up',
      'recovered-services': 'web',
      'incident-issues': '1',
    });
    expect(proxy.seen['api.github.test']).toBeGreaterThan(0);
    expect(proxy.seen['web.service.test']).toBeGreaterThan(0);
    expect(proxy.seen['railway.test']).toBeGreaterThan(0);
    expect(github.issues[0]).toMatchObject({ state: 'closed' });
    expect(output).toContain('::add-mask::pr0xy-pass-42');
    expect(output.replace(/^::add-mask::.*$/gm, '')).not.toContain('pr0xy-pass-42');
    expect(action.summary() + JSON.stringify(github.requests)).not.toContain('pr0xy-pass-42');
    action.cleanup();
  });

  test('actionFetch: the global fetch without a proxy variable; through the proxy with one; NO_PROXY bypasses it', async () => {
    expect(actionFetch({}).fetch).toBe(globalThis.fetch);
    expect(proxyConfigured({ https_proxy: 'http://p:3128' })).toBe(true);
    api.set({ kind: 'up' });
    const before = proxy.seen['web.service.test'] ?? 0;
    const proxied = actionFetch({ HTTP_PROXY: proxy.url });
    const answer = await proxied.fetch('http://web.service.test/health');
    expect(answer.status).toBe(200);
    expect(proxy.seen['web.service.test']).toBe(before + 1);
    await proxied.dispatcher?.close();

    const bypass = actionFetch({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const direct = await bypass.fetch(`${api.url}`);
    expect(direct.status).toBe(200);
    expect(proxy.seen[new URL(api.url).host]).toBeUndefined();
    await bypass.dispatcher?.close();
  });

  test('proxy credentials are found for masking, and a malformed proxy variable does not throw', () => {
    expect(proxySecrets({ HTTPS_PROXY: 'http://u:s%40cret-1@proxy:8080' })).toEqual([
      's@cret-1',
      's%40cret-1',
    ]);
    expect(proxySecrets({ HTTP_PROXY: 'http://[not a url' })).toEqual([]);
    expect(proxySecrets({ HTTP_PROXY: 'proxy.internal:3128' })).toEqual([]);
  });
});

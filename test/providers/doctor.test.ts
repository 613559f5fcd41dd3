import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { parseConfig } from '../../src/config/load.js';
import type { RawConfigInput } from '../../src/config/schema.js';
import { renderDoctor, runDoctor } from '../../src/providers/doctor.js';
import { providerFor } from '../../src/providers/registry.js';
import { RAILWAY_FIXTURE as F, startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { serviceWith, testContext } from './context.js';

let server: RailwayServer;
beforeAll(async () => {
  server = await startRailwayServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  nock.cleanAll();
  expect(server.invalidDocuments).toEqual([]);
});

const config = (services: RawConfigInput['services']) => parseConfig({ services }, 'test');
const railwayService = (serviceId: string, extra: Record<string, string> = {}) => ({
  url: 'https://backend.example.com/health',
  recovery: { provider: 'railway' as const, serviceId, ...extra },
});
const rows = (report: Awaited<ReturnType<typeof runDoctor>>, i = 0) =>
  report.services[i].checks.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.check}`);

describe('doctor', () => {
  it('passes every Railway check with a valid project token, and never restarts anything', async () => {
    const { ctx } = testContext({ RAILWAY_API_URL: server.url, RAILWAY_TOKEN: F.projectToken });
    const report = await runDoctor(
      config({
        backend: { ...railwayService(F.backend), name: 'Backend Node.js' },
        status: { url: 'https://x.example.com' },
      }),
      ctx,
    );
    expect(report.ok).toBe(true);
    expect(rows(report)).toEqual([
      'ok token present',
      'ok token accepted',
      'ok service ID exists',
      'ok environment resolvable',
      'ok deployment to restart',
      'ok may restart/redeploy',
    ]);
    expect(report.services[1].checks[0].detail).toContain('monitored only');
    expect(server.requests.every((r) => !r.query.trimStart().startsWith('mutation'))).toBe(true);
    expect(server.state.restarts).toEqual([]);
    const text = renderDoctor(report);
    expect(text).toContain('uptime-action doctor: 2 service(s), 7 check(s), all passed ✅');
    expect(text).toContain('✅ Backend Node.js (backend) · railway');
    expect(text).not.toContain('❌');
  });

  it('fails with the fix under each ❌: no token, unknown service, wrong environment, no deployment', async () => {
    const env = { RAILWAY_API_URL: server.url };
    server.state.deployments = server.state.deployments.filter((d) => d.serviceId !== F.coqui);
    const report = await runDoctor(
      config({
        notoken: railwayService(F.backend),
        unknown: railwayService('svc-nope'),
        otherenv: railwayService(F.backend, { environmentId: F.staging }),
        undeployed: railwayService(F.coqui),
      }),
      providerFor,
      testContext(env).ctx,
    );
    expect(report.ok).toBe(false);
    expect(rows(report, 0)).toEqual(['FAIL token present']);
    const withToken = await runDoctor(
      config({
        unknown: railwayService('svc-nope'),
        otherenv: railwayService(F.backend, { environmentId: F.staging }),
        undeployed: railwayService(F.coqui),
      }),
      testContext({ ...env, RAILWAY_TOKEN: F.projectToken }).ctx,
    );
    expect(rows(withToken, 0).at(-1)).toBe('FAIL service ID exists');
    expect(rows(withToken, 1).at(-1)).toBe('FAIL deployment to restart');
    expect(withToken.services[1].checks.at(-1)?.fix).toContain('RAILWAY_TOKEN is a project token');
    expect(rows(withToken, 2).at(-1)).toBe('FAIL deployment to restart');
    const text = renderDoctor(withToken);
    expect(text).toMatch(/❌ service ID exists +Service not found\n +fix: Check recovery\.serviceId/);
    expect(text).toContain('3 failed ❌');
  });

  it('reports a bearer token that Railway refuses', async () => {
    const report = await runDoctor(
      config({ backend: railwayService(F.backend) }),
      testContext({ RAILWAY_API_URL: server.url, RAILWAY_API_TOKEN: 'revoked-token-000000' }).ctx,
    );
    expect(rows(report)).toEqual(['ok token present', 'FAIL token accepted']);
    expect(report.services[0].checks[1].fix).toContain('railway.com/account/tokens');
    expect(renderDoctor(report)).not.toContain('revoked-token-000000');
  });

  it('checks Render, Fly.io and Heroku tokens and IDs read-only', async () => {
    nock('https://api.render.com')
      .get('/v1/services/srv-1')
      .reply(200, { name: 'api', suspended: 'not_suspended' });
    nock('https://api.machines.dev').get('/v1/apps/flyapp/machines').reply(401, { error: 'unauthorized' });
    nock('https://api.heroku.com')
      .get('/apps/hk')
      .reply(404, { id: 'not_found', message: "Couldn't find that app." });
    const { ctx } = testContext({
      RENDER_API_KEY: 'rnd-000000',
      FLY_API_TOKEN: 'fly-000000',
      HEROKU_API_KEY: 'hk-0000000',
    });
    const report = await runDoctor(
      config({
        render: { url: 'https://a.example.com', recovery: { provider: 'render', serviceId: 'srv-1' } },
        fly: { url: 'https://b.example.com', recovery: { provider: 'fly', app: 'flyapp' } },
        heroku: { url: 'https://c.example.com', recovery: { provider: 'heroku', app: 'hk' } },
      }),
      ctx,
    );
    expect(rows(report, 0)).toEqual([
      'ok token present',
      'ok token accepted',
      'ok service ID exists',
      'ok may restart/redeploy',
    ]);
    expect(rows(report, 1)).toEqual(['ok token present', 'FAIL token accepted']);
    expect(rows(report, 2)).toEqual(['ok token present', 'FAIL app exists']);
    expect(report.services[2].checks[1].fix).toContain('check recovery.app');
  });

  it("checks a webhook's secret without calling it", async () => {
    const svc = serviceWith({
      provider: 'webhook',
      url: 'https://ops.example.com/h',
      secretEnv: 'HOOK_SECRET',
    });
    const checks = await providerFor('webhook').doctor!(svc, testContext({}).ctx);
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[1].fix).toBe("Set HOOK_SECRET to the webhook's shared secret.");
  });
});

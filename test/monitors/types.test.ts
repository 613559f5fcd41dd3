import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import { parseConfig } from '../../src/config/load.js';
import { probeMonitor as probeService } from '../../src/monitors/registry.js';
import { refusedUrl } from '../helpers/servers.js';
import type { DnsResolver } from '../../src/monitors/dns.js';
import type { LookupFunction } from '../../src/util/net-address.js';
import { buildDeps } from '../../cli/deps.js';
import { sweep } from '../../src/engine/sweep.js';
import { notificationEvents } from '../../src/notify/events.js';
import { emptyState } from '../../src/state/records.js';
import { silentLogger } from '../../src/util/logger.js';
import { renderStatusMarkdown } from '../../src/report/markdown.js';
import { siteModel } from '../../src/site/model.js';
import { renderIndexHtml } from '../../src/site/html.js';
import { statusJson } from '../../src/site/render.js';

/**
 * The non-HTTP monitor types against real sockets on 127.0.0.1, and a certificate made for the test with the
 * openssl CLI (a local HTTPS server whose certificate expires in 5 days).
 */

const service = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  parseConfig({ services: { s: raw } }, 'test.yml', env).services.s;

let dir: string;
let cert: string;
let key: string;
let https: HttpsServer;
let httpsPort: number;
let open: NetServer;
let openPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-tls-'));
  // A self-signed certificate for 127.0.0.1 that expires in 5 days (openssl 3 CLI; EC keys are fast to make).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '5',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  https = createHttpsServer({ cert, key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', () => resolve()));
  httpsPort = (https.address() as AddressInfo).port;
  open = createNetServer((socket) => socket.end());
  await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', () => resolve()));
  openPort = (open.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => https.close(() => resolve()));
  await new Promise<void>((resolve) => open.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const closedPort = async () => Number(new URL(await refusedUrl()).port);

describe('tcp', () => {
  it('is up when host:port accepts a connection', async () => {
    const result = await probeService(service({ type: 'tcp', host: '127.0.0.1', port: openPort }));
    expect(result).toMatchObject({ service: 's', ok: true, kind: 'ok' });
  });

  it('is down on a closed port: connection refused', async () => {
    const result = await probeService(service({ type: 'tcp', host: '127.0.0.1', port: await closedPort() }));
    expect(result).toMatchObject({ ok: false, kind: 'refused', error: 'connection refused' });
  });

  it('a hosted config may not reach 127.0.0.1, 10/8 or a name that resolves to loopback (UPTIME_PRIVATE_TARGETS=deny)', async () => {
    let connections = 0;
    open.on('connection', () => connections++);
    const deny = { privateTargets: 'deny' as const };
    const loopback = await probeService(service({ type: 'tcp', host: '127.0.0.1', port: openPort }), deny);
    expect(loopback.ok).toBe(false);
    expect(loopback.error).toMatch(
      /refused to connect to 127\.0\.0\.1: a private, loopback.*UPTIME_PRIVATE_TARGETS=allow/,
    );
    const tenNet = await probeService(
      service({ type: 'tcp', host: '10.1.2.3', port: 5432, timeout: '1s' }),
      deny,
    );
    expect(tenNet.error).toMatch(/refused to connect to 10\.1\.2\.3/);
    // A public-looking name that resolves to loopback (injected lookup: no DNS query leaves the machine).
    const lookup: LookupFunction = (_host, _options, callback) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    const named = await probeService(service({ type: 'tcp', host: 'db.example.com', port: openPort }), {
      ...deny,
      lookup,
    });
    expect(named.error).toMatch(/refused to connect to db\.example\.com \(127\.0\.0\.1\)/);
    expect(connections).toBe(0);
  });
});

describe('dns (an injected resolver: no query leaves the machine)', () => {
  const resolver = (answers: Record<string, unknown[] | Error>): DnsResolver & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      resolve: async (name, type) => {
        asked.push(`${name} ${type}`);
        const a = answers[`${name} ${type}`];
        if (a instanceof Error) throw a;
        return a ?? [];
      },
    };
  };

  it('is up when the name resolves, and when every expected record is among the answers', async () => {
    const r = resolver({ 'api.example.com A': ['203.0.113.10', '203.0.113.11'] });
    expect(
      await probeService(service({ type: 'dns', host: 'api.example.com' }), { resolver: r }),
    ).toMatchObject({ ok: true });
    expect(
      await probeService(service({ type: 'dns', host: 'api.example.com', records: ['203.0.113.11'] }), {
        resolver: r,
      }),
    ).toMatchObject({ ok: true });
    expect(r.asked).toEqual(['api.example.com A', 'api.example.com A']);
  });

  it('is down when an expected record is missing, naming what it got and what it wanted', async () => {
    const r = resolver({ 'example.com MX': [{ exchange: 'mx1.example.net', priority: 10 }] });
    const result = await probeService(
      service({ type: 'dns', host: 'example.com', recordType: 'MX', records: ['mx2.example.net'] }),
      { resolver: r },
    );
    expect(result).toMatchObject({ ok: false, kind: 'network' });
    expect(result.error).toBe('example.com MX answers mx1.example.net; expected mx2.example.net among them');
  });

  it('is down when the name does not resolve, and times out at the service timeout', async () => {
    const nx = Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    const r = resolver({ 'gone.example.com A': nx });
    expect(
      await probeService(service({ type: 'dns', host: 'gone.example.com' }), { resolver: r }),
    ).toMatchObject({
      ok: false,
      error: 'host not found (DNS lookup failed)',
    });
    const hanging: DnsResolver = { resolve: () => new Promise(() => undefined) };
    const slow = await probeService(service({ type: 'dns', host: 'slow.example.com', timeout: '200ms' }), {
      resolver: hanging,
    });
    expect(slow).toMatchObject({ ok: false, kind: 'timeout', error: 'timed out after 200ms' });
  });
});

describe('TLS certificates (a local HTTPS server whose certificate expires in 5 days)', () => {
  const trusting = () => {
    const dispatcher = new Agent({ connect: { ca: cert } });
    return ((input: string | URL | Request, init?: RequestInit) =>
      fetch(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
  };

  it('an https service answers healthy and carries a warning with its days left', async () => {
    const result = await probeService(service({ url: `https://127.0.0.1:${httpsPort}/health` }), {
      fetch: trusting(),
      certificates: new Map(),
    });
    expect(result).toMatchObject({ ok: true, status: 200, certDaysLeft: 5, noRecovery: true });
    expect(result.warning).toBe('TLS certificate expires in 5 days (warning at 14 days or fewer)');
  });

  it('with warnDays below the days left there is no warning', async () => {
    const result = await probeService(
      service({ url: `https://127.0.0.1:${httpsPort}/health`, warnDays: 4 }),
      {
        fetch: trusting(),
        certificates: new Map(),
      },
    );
    expect(result).toMatchObject({ ok: true, certDaysLeft: 5 });
    expect(result.warning).toBeUndefined();
  });

  it('type: tls verifies the chain: untrusted is a TLS error, trusted reports the days left', async () => {
    const s = service({ type: 'tls', host: '127.0.0.1', port: httpsPort });
    const untrusted = await probeService(s);
    expect(untrusted).toMatchObject({ ok: false, kind: 'network' });
    expect(untrusted.error).toMatch(
      /^TLS error \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/,
    );
    const trusted = await probeService(s, { tls: { ca: cert } });
    expect(trusted).toMatchObject({ ok: true, certDaysLeft: 5 });
  });

  it('at expiredDays or fewer the check fails with kind certificate and asks for no restart', async () => {
    const result = await probeService(
      service({ type: 'tls', host: '127.0.0.1', port: httpsPort, expiredDays: 7 }),
      {
        tls: { ca: cert },
      },
    );
    expect(result).toMatchObject({ ok: false, kind: 'certificate', certDaysLeft: 5, noRecovery: true });
    expect(result.error).toMatch(
      /^TLS certificate expires in 5 days \(incident at 7 days or fewer; renew it, a restart will not\)$/,
    );
  });

  it('an https service on a private address under deny reads no certificate either', async () => {
    const result = await probeService(service({ url: `https://127.0.0.1:${httpsPort}/health` }), {
      fetch: trusting(),
      privateTargets: 'deny',
      certificates: new Map(),
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/refused to connect to 127\.0\.0\.1/);
    expect(result.certDaysLeft).toBeUndefined();
  });
});

describe('a certificate through the whole sweep (plan and recovery)', () => {
  const sweepOnce = async (raw: Record<string, unknown>) => {
    const config = parseConfig(
      {
        mode: 'extreme',
        services: { web: { ...raw, recovery: { provider: 'command', restart: 'exit 0' } } },
      },
      'test.yml',
      {},
    );
    const { deps } = buildDeps(config, {
      env: {},
      logger: silentLogger,
      statePath: join(dir, 'state.json'),
      incidents: 'none',
    });
    const dispatcher = new Agent({ connect: { ca: cert } });
    const fetchCa = ((input: string | URL | Request, init?: RequestInit) =>
      fetch(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
    deps.probe = (s, o) =>
      probeService(s, { ...o, fetch: fetchCa, tls: { ca: cert }, certificates: new Map() });
    const result = await sweep(deps, emptyState());
    // What the notify targets are told (derived from the sweep's events, as the publisher does).
    const notifications = notificationEvents(result.events, result.state, config).map((n) => ({
      ...n,
      type: n.transition,
    }));
    return { ...result, notifications };
  };

  it('5 days left: degraded with a notification and its days left, and no restart even with predictiveRestart', async () => {
    const result = await sweepOnce({ url: `https://127.0.0.1:${httpsPort}/health` });
    expect(result.services.web).toMatchObject({ status: 'degraded', attempts: [], planned: [] });
    expect(result.state.services.web.health).toMatchObject({ status: 'degraded', certDaysLeft: 5 });
    expect(result.notifications).toEqual([
      expect.objectContaining({
        type: 'degraded',
        reason: 'TLS certificate expires in 5 days (warning at 14 days or fewer)',
      }),
    ]);
  });

  it('the days left show on /status and the job summary (Markdown), status.json and the status page', async () => {
    const result = await sweepOnce({ url: `https://127.0.0.1:${httpsPort}/health` });
    const config = parseConfig(
      { services: { web: { url: `https://127.0.0.1:${httpsPort}/health` } } },
      'x',
      {},
    );
    const now = result.state.services.web.health.lastCheckAt!;
    expect(renderStatusMarkdown(config, result.state, { now })).toMatch(
      /degraded.*certificate: 5 days left/i,
    );
    const model = siteModel(config, result.state, { now });
    expect(JSON.parse(statusJson(model)).services[0]).toMatchObject({ id: 'web', certificateDaysLeft: 5 });
    expect(renderIndexHtml(model)).toContain('TLS certificate: 5 days left.');
  });

  it('at expiredDays: down, and people are told instead of a restart', async () => {
    const result = await sweepOnce({ type: 'tls', host: '127.0.0.1', port: httpsPort, expiredDays: 5 });
    expect(result.services.web.status).toBe('down');
    expect(result.services.web.attempts).toEqual([]);
    expect(result.services.web.planned).toEqual([
      expect.objectContaining({ action: 'escalate', reason: expect.stringMatching(/no restart fixes this/) }),
    ]);
    expect(result.notifications.map((n) => n.type)).toEqual(['down', 'escalated']);
  });
});

describe('the config of the monitor types', () => {
  it('url is optional for the other types, whose target names what is checked', () => {
    expect(service({ type: 'tcp', host: 'db.internal', port: 5432 })).toMatchObject({
      type: 'tcp',
      url: 'tcp://db.internal:5432',
      monitor: { host: 'db.internal', port: 5432 },
    });
    expect(service({ type: 'dns', host: 'example.com' }).url).toBe('dns://example.com');
    expect(service({ type: 'tls', host: 'example.com' }).url).toBe('tls://example.com:443');
  });

  const problem = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    try {
      service(raw, env);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a config error');
  };

  it('names a missing key, a key of another type and an unknown type', () => {
    expect(problem({ type: 'tcp', host: 'db' })).toMatch(
      /services\.s\.port: is missing \(a tcp service needs it\); add port:/,
    );
    expect(problem({ type: 'dns', host: 'a.b', url: 'https://a.b/' })).toMatch(
      /services\.s\.url: is not used by a dns service; remove it/,
    );
    expect(problem({ url: 'https://a.b/', port: 80 })).toMatch(
      /services\.s\.port: is not used by an http service/,
    );
    expect(problem({ type: 'ping', host: 'a' })).toMatch(/services\.s\.type/);
    expect(problem({ type: 'tcp', host: 'http://db', port: 1 })).toMatch(
      /services\.s\.host: must be a host name/,
    );
  });

  it('a heartbeat token must come from the environment, and is never quoted in the error', () => {
    const message = problem({ type: 'heartbeat', every: '1h', token: 'written-in-the-file-1234' });
    expect(message).toMatch(/services\.s\.token: is written in the file; a ping token is a secret/);
    expect(message).toMatch(/write token: \$\{S_PING_TOKEN\}/);
    expect(message).not.toContain('written-in-the-file-1234');
    expect(problem({ type: 'heartbeat', every: '1h', token: '${T}' }, { T: 'short' })).toMatch(
      /services\.s\.token: .*at least 16 characters/,
    );
    const ok = service({ type: 'heartbeat', every: '1h', grace: '5m', token: '${T}' }, { T: 'a'.repeat(32) });
    expect(ok).toMatchObject({
      type: 'heartbeat',
      url: 'heartbeat://s',
      monitor: { every: 3_600_000, grace: 300_000 },
    });
    expect(ok.url).not.toContain('aaaa');
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { parsePlatformEvent, servicesFor } from '../../src/events/index.js';
import { Listener, MAX_EVENT_BYTES } from '../../src/events/listener.js';

/**
 * The platform payloads as each platform's documentation shows them (Railway: docs.railway.com/observability/
 * webhooks; Render: render.com/docs/webhooks; Heroku: devcenter.heroku.com/articles/app-webhooks), and the
 * events route under attack.
 */

const railway = {
  type: 'Deployment.failed',
  details: {
    id: '8107edff-4b8e-44fc-b43a-04566e847a2a',
    source: 'GitHub',
    status: 'SUCCESS',
    branch: 'main',
  },
  resource: {
    workspace: { id: 'ws', name: 'acme' },
    project: { id: 'proj', name: 'shop' },
    environment: { id: 'env', name: 'production', isEphemeral: false },
    service: { id: 'svc-railway', name: 'api' },
    deployment: { id: 'dep-9' },
  },
  severity: 'WARNING',
  timestamp: '2025-11-21T23:48:42.311Z',
};
const render = {
  type: 'server_failed',
  timestamp: '2026-02-05T16:00:01.000000Z',
  data: { id: 'evj-cukouhrtq21c73e9scng', serviceId: 'srv-render', serviceName: 'backend-api' },
};
const renderDeployOk = { ...render, type: 'deploy_ended', data: { ...render.data, status: 'succeeded' } };
const heroku = {
  id: '43bb1b3d-0e1f-4d33-8d2f-4b8d4f4ae1c4',
  action: 'update',
  resource: 'dyno',
  version: 'application/vnd.heroku+json; version=3.webhooks',
  data: { app: { id: 'a1b2', name: 'acme-api' }, name: 'web.1', state: 'crashed', type: 'web' },
  published_at: '2026-12-04T12:00:00Z',
};

const config = parseConfig(
  {
    services: {
      api: {
        url: 'https://api.example.com/health',
        recovery: { provider: 'railway', serviceId: 'svc-railway' },
      },
      web: {
        url: 'https://web.example.com/health',
        recovery: { provider: 'render', serviceId: 'srv-render' },
      },
      shop: { url: 'https://shop.example.com/health', recovery: { provider: 'heroku', app: 'acme-api' } },
      other: {
        url: 'https://other.example.com/health',
        recovery: { provider: 'railway', serviceId: 'svc-other' },
      },
    },
  },
  'test.yml',
);
const services = Object.values(config.services);

describe('the platforms’ payloads', () => {
  it('Railway: the service and deployment of a failed deployment; it alarms', () => {
    const event = parsePlatformEvent(railway)!;
    expect(event).toEqual({
      platform: 'railway',
      type: 'Deployment.failed',
      resources: ['svc-railway'],
      deployment: 'dep-9',
      alarming: true,
    });
    expect(servicesFor(services, event)).toEqual(['api']);
    expect(parsePlatformEvent({ ...railway, type: 'Deployment.deploying' })!.alarming).toBe(false);
  });

  it('Render: server_failed alarms, a deploy that ended in success does not', () => {
    const event = parsePlatformEvent(render)!;
    expect(event).toMatchObject({
      platform: 'render',
      type: 'server_failed',
      resources: ['srv-render'],
      alarming: true,
    });
    expect(servicesFor(services, event)).toEqual(['web']);
    expect(parsePlatformEvent(renderDeployOk)!.alarming).toBe(false);
  });

  it('Heroku: a crashed dyno of the app alarms', () => {
    const event = parsePlatformEvent(heroku)!;
    expect(event).toMatchObject({
      platform: 'heroku',
      type: 'dyno crashed',
      resources: ['acme-api', 'a1b2'],
      alarming: true,
    });
    expect(servicesFor(services, event)).toEqual(['shop']);
    expect(parsePlatformEvent({ ...heroku, data: { ...heroku.data, state: 'up' } })!.alarming).toBe(false);
  });

  it('anything else is no event: other shapes, prototype keys, huge strings', () => {
    expect(parsePlatformEvent({})).toBeUndefined();
    expect(parsePlatformEvent(null)).toBeUndefined();
    expect(
      parsePlatformEvent({ type: 'Deployment.crashed', resource: { service: { id: 42 } } }),
    ).toBeUndefined();
    expect(
      parsePlatformEvent(JSON.parse('{"type":"Deployment.crashed","resource":{"__proto__":{"id":"x"}}}')),
    ).toBeUndefined();
    expect(
      parsePlatformEvent({ ...railway, resource: { service: { id: 'x'.repeat(500) } } }),
    ).toBeUndefined();
    // Text meant for the incident issue (a mention, a link) is not an id: not taken.
    const hostile = {
      ...railway,
      details: {},
      resource: { ...railway.resource, deployment: { id: '@admins [x](https://evil.example.com)' } },
    };
    expect(parsePlatformEvent(hostile)!.deployment).toBeUndefined();
    // A service of another platform with the same id is not matched.
    expect(
      servicesFor(services, {
        platform: 'render',
        type: 'server_failed',
        resources: ['svc-railway'],
        alarming: true,
      }),
    ).toEqual([]);
  });
});

describe('the events route under attack', () => {
  let server: Server;
  let base: string;
  let listener: Listener;
  const KEY = 'events-key-0123456789abcdefghij';
  beforeEach(async () => {
    listener = new Listener({ limits: { misses: 2, requests: 20 } });
    server = createServer((req, res) => {
      if (!listener.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  });

  const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', body });

  it('checks only the matched services, once however often the event is repeated', async () => {
    const attachment = listener.attach('acme/api', config, { eventsKey: KEY });
    for (let i = 0; i < 3; i++)
      expect((await post(`/events/${KEY}`, JSON.stringify(railway))).status).toBe(202);
    expect(attachment.checkNow.pending).toBe(1);
    expect(attachment.recentEvents('api')).toHaveLength(3);
    expect(attachment.recentEvents('other')).toEqual([]);
  });

  it('a body over the limit is 413, a GET 405, wrong keys 404 then 429 for that client', async () => {
    listener.attach('acme/api', config, { eventsKey: KEY });
    expect((await post(`/events/${KEY}`, 'x'.repeat(MAX_EVENT_BYTES + 1))).status).toBe(413);
    expect((await fetch(`${base}/events/${KEY}`)).status).toBe(405);
    expect((await post('/events/nope-000000000000000000000000', '{}')).status).toBe(404);
    expect((await post(`/events/${KEY}x`, '{}')).status).toBe(404);
    expect((await post('/events/third-guess-0000000000000000000', '{}')).status).toBe(429);
    // The right key still gets through: guesses cannot silence the platform.
    expect((await post(`/events/${KEY}`, JSON.stringify(railway))).status).toBe(202);
  });

  it('after a config reload the old key is gone and the waiting checks stay', async () => {
    const first = listener.attach('acme/api', config, { eventsKey: KEY });
    await post(`/events/${KEY}`, JSON.stringify(railway));
    const second = listener.attach('acme/api', config, { eventsKey: `${KEY}-new` });
    expect(second.checkNow).toBe(first.checkNow);
    expect(second.checkNow.pending).toBe(1);
    expect((await post(`/events/${KEY}`, JSON.stringify(railway))).status).toBe(404);
    expect((await post(`/events/${KEY}-new`, JSON.stringify(railway))).status).toBe(202);
  });
});

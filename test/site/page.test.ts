import { describe, expect, it } from '@jest/globals';
import { configSchema, toConfig, type Config } from '../../src/config/schema.js';
import { DAY_MS, HOUR_MS } from '../../src/history/record.js';
import type { StateWithHistory } from '../../src/history/state.js';
import { BAR_DAYS, dailyBars, renderFeed, renderSite, siteModel } from '../../src/site/index.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import { fixtureConfig, fixtureState, HOSTILE_NAMES, issueUrl, NOW } from './fixture.js';

function config(name: string, statusPage?: Record<string, unknown>): Config {
  const parsed = configSchema.parse({
    ...(statusPage ? { statusPage } : {}),
    services: { api: { name, url: 'https://api.example.com/health' } },
  });
  const out = toConfig(parsed, 'page');
  if ('problems' in out) throw new Error(JSON.stringify(out.problems));
  return out;
}

describe('dailyBars', () => {
  const record = (firstCheckAt: number, outages: Array<{ start: number; end?: number }> = []) => ({
    firstCheckAt,
    outages,
  });

  it('90 days, oldest first; days before the first check are not watched', () => {
    const days = dailyBars(record(NOW - 2 * DAY_MS), [], NOW);
    expect(days).toHaveLength(BAR_DAYS);
    expect(days.at(-1)!.date).toBe(Date.UTC(2026, 10, 30));
    expect(days.filter((d) => d.state === 'none')).toHaveLength(BAR_DAYS - 3);
    // The first watched day counts only from the first check (12:00), today until now (12:00).
    expect(days.slice(-3).map((d) => [d.state, d.watchedMs / HOUR_MS])).toEqual([
      ['up', 12],
      ['up', 24],
      ['up', 12],
    ]);
  });

  it('colours by downtime: none green, a little amber, over 5 % red; a degraded incident alone amber', () => {
    const day = Date.UTC(2026, 10, 28);
    const days = dailyBars(
      record(NOW - 10 * DAY_MS, [
        { start: day - DAY_MS + HOUR_MS, end: day - DAY_MS + HOUR_MS + 60_000 }, // 1 minute on the 27th
        { start: day + HOUR_MS, end: day + 3 * HOUR_MS }, // 2 hours on the 28th
        { start: NOW - 30 * 60_000 }, // ongoing today: 30 min of 12 h watched
      ]),
      [{ start: day + DAY_MS + 5 * HOUR_MS, kind: 'degraded' }],
      NOW,
    );
    const last4 = days
      .slice(-4)
      .map((d) => [d.state, d.uptime === undefined ? undefined : +d.uptime.toFixed(3), d.incidents]);
    expect(last4).toEqual([
      ['partial', 99.931, 0],
      ['down', 91.667, 0],
      ['partial', 100, 1],
      ['partial', 95.833, 0],
    ]);
  });

  it('no record: 90 days not watched', () => {
    expect(new Set(dailyBars(undefined, [], NOW).map((d) => d.state))).toEqual(new Set(['none']));
  });
});

describe('the page model and status.json', () => {
  it('lists what was done in each incident, from the recovery attempts during it', () => {
    const state = fixtureState();
    state.services.api.attempts = [
      {
        action: 'restart',
        trigger: 'down',
        at: NOW - 3 * DAY_MS + 60_000,
        durationMs: 40_000,
        providerOk: true,
        healthy: false,
        detail: 'token=SECRET',
      },
      {
        action: 'rollback',
        trigger: 'down',
        at: NOW - 3 * DAY_MS + 5 * 60_000,
        durationMs: 95_000,
        providerOk: true,
        healthy: true,
        detail: 'ok',
      },
      {
        action: 'restart',
        trigger: 'down',
        at: NOW - 5 * DAY_MS,
        durationMs: 1000,
        providerOk: false,
        healthy: false,
        detail: 'before',
      },
    ];
    const model = siteModel(fixtureConfig(), state, { now: NOW, issueUrl });
    const api = model.incidents.find((i) => i.service === 'api')!;
    expect(api.actions).toEqual(['restart: not healthy in time', 'rollback: healthy again after 1m 35s']);
    const files = renderSite(fixtureConfig(), state, { now: NOW, issueUrl });
    // Provider output never reaches the page (it may hold a secret).
    for (const content of Object.values(files)) expect(content).not.toContain('SECRET');
    expect(files['index.html']).toContain('<li>rollback: healthy again after 1m 35s</li>');
    const doc = JSON.parse(files['status.json']);
    expect(doc.incidents.find((i: { service: string }) => i.service === 'api').actions).toHaveLength(2);
    const apiDoc = doc.services.find((s: { id: string }) => s.id === 'api');
    expect(apiDoc.watchedSince).toBe('2026-11-22T12:00:00.000Z');
    expect(apiDoc.daily).toHaveLength(9);
    expect(apiDoc.daily.find((d: { date: string }) => d.date === '2026-11-27')).toMatchObject({
      incidents: 1,
    });
  });

  it('a service never checked says so instead of showing figures', () => {
    const state: StateWithHistory = emptyState();
    const html = renderSite(config('API'), state, { now: NOW })['index.html'];
    expect(html).toContain('<dd class="muted">no checks yet</dd>');
    expect(html).toContain('No response time recorded yet.');
    expect(html).toContain('2 Sep to 30 Nov 2026: not watched yet');
  });

  it('the first check, before any hourly sample: its answer is the one point of the chart', () => {
    const state: StateWithHistory = emptyState();
    state.services.api = {
      ...emptyRecord(NOW - 60_000),
      firstCheckAt: NOW - 60_000,
      health: { ...emptyRecord(NOW).health, status: 'up', lastResponseMs: 250, lastCheckAt: NOW - 60_000 },
    };
    const html = renderSite(config('API'), state, { now: NOW })['index.html'];
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html).toContain('One sample so far: 250 ms.');
    expect(html).toContain('1m watched');
  });
});

describe('feed.xml', () => {
  const files = renderSite(fixtureConfig(), fixtureState(), { now: NOW, title: 'Acme status', issueUrl });
  const feed = files['feed.xml'];

  it('is Atom with one entry per incident, each with a stable id, a title, dates and its issue', () => {
    expect(
      feed.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'),
    ).toBe(true);
    const entries = feed.split('<entry>').slice(1);
    expect(entries).toHaveLength(3);
    expect(feed).toContain('<id>tag:uptime-action,2026:incident/worker/1796032800000</id>');
    expect(feed).toContain(
      '<link rel="alternate" type="text/html" href="https://github.com/acme/ops/issues/12"/>',
    );
    // Rendering again later gives the same file while nothing happened (a reader sees no phantom update).
    const later = renderSite(fixtureConfig(), fixtureState(), {
      now: NOW + HOUR_MS,
      title: 'Acme status',
      issueUrl,
    });
    expect(later['feed.xml']).toBe(feed);
  });

  it('hostile names are text, and characters XML forbids are dropped', () => {
    expect(feed).toContain(
      '<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; was down for 10m</title>',
    );
    for (const name of HOSTILE_NAMES) expect(feed).not.toContain(name);
    const model = siteModel(config('A\u0001B\uffff\ud800C'), fixtureState(), { now: NOW });
    model.incidents = [
      {
        service: 'api',
        serviceName: 'A\u0001B\uffff\ud800C',
        kind: 'down',
        start: NOW - HOUR_MS,
        actions: [],
      },
    ];
    // eslint-disable-next-line no-control-regex
    expect(renderFeed(model)).not.toMatch(/[\u0001\uffff\ud800]/);
    expect(renderFeed(model)).toContain('<title>ABC is down</title>');
  });

  it('uses the published URL for ids and links when statusPage.url is set', () => {
    const out = renderSite(config('API', { url: 'https://acme.github.io/status' }), fixtureState(), {
      now: NOW,
    })['feed.xml'];
    expect(out).toContain('<id>https://acme.github.io/status/feed.xml</id>');
    expect(out).toContain(
      '<link rel="self" type="application/atom+xml" href="https://acme.github.io/status/feed.xml"/>',
    );
  });
});

describe('long names', () => {
  const files = renderSite(config('W'.repeat(5000)), fixtureState(), { now: NOW });

  it('are shortened with an ellipsis on badges and in the meta description, shown whole on the page', () => {
    const badge = JSON.parse(files['badges/api/status.json']);
    expect(badge.label).toBe(`${'W'.repeat(39)}…`);
    expect(files['badges/api/status.svg'].length).toBeLessThan(3000);
    const description = /<meta name="description" content="([^"]*)">/.exec(files['index.html'])![1];
    expect(description.length).toBeLessThan(300);
    expect(files['index.html']).toContain(`<h3 id="service-0">${'W'.repeat(5000)}</h3>`);
  });
});

describe('uptime badges', () => {
  it('a window not watched through says how long was watched', () => {
    const files = renderSite(fixtureConfig(), fixtureState(), { now: NOW, issueUrl });
    expect(JSON.parse(files['badges/api/uptime-7d.json']).message).toBe('99.7%');
    expect(JSON.parse(files['badges/api/uptime-30d.json']).message).toBe('99.73% (8d watched)');
  });
});

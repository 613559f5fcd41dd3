import { describe, expect, it } from '@jest/globals';
import { badgeMarkdown, BADGE_KINDS } from '../../src/site/badges.js';
import { renderSite } from '../../src/site/index.js';
import { fixtureConfig, fixtureState, HOSTILE_NAMES, issueUrl, NOW } from './fixture.js';
import { shieldsEndpointSchema } from './shields-endpoint.js';

const files = renderSite(fixtureConfig(), fixtureState(), { now: NOW, title: 'Acme status', issueUrl });
const html = files['index.html'];

describe('renderSite', () => {
  it('writes index.html, status.json, feed.xml and five JSON + SVG badges per service', () => {
    const ids = ['api', 'worker', 'docs', 'evil', 'evil2'];
    const expected = [
      'index.html',
      'status.json',
      'feed.xml',
      ...ids.flatMap((id) => BADGE_KINDS.flatMap((k) => [`badges/${id}/${k}.json`, `badges/${id}/${k}.svg`])),
    ];
    expect(Object.keys(files).sort()).toEqual(expected.sort());
  });

  it('shows each service with its status, maintenance as such, and the overall status', () => {
    expect(html).toContain('Partial outage: some services are down');
    expect(html).toMatch(/data-service="worker" data-status="down"/);
    expect(html).toMatch(/data-service="docs" data-status="maintenance"/);
    expect(html).toContain('Paused for maintenance');
    expect(html).toMatch(/data-service="api" data-status="up"/);
  });

  it('links the incident history to the issues, ongoing and past', () => {
    expect(html).toContain('<a href="https://github.com/acme/ops/issues/12">issue #12</a>');
    expect(html).toContain('<a href="https://github.com/acme/ops/issues/3">issue #3</a>');
    expect(html).toMatch(/Worker is down <strong>ongoing<\/strong>/);
    expect(html).toMatch(/Public API was down for 30m/);
  });

  it('renders hostile names as text: no markup of theirs survives in the page, the JSON or the SVG', () => {
    for (const name of HOSTILE_NAMES) expect(html).not.toContain(name);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img/i);
    const svg = files['badges/evil2/status.svg'];
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&quot;&gt;&lt;img');
    expect(JSON.parse(files['badges/evil/status.json']).label).toBe(HOSTILE_NAMES[0]);
  });

  it('needs no network: no external URL is loaded (only links to issues, status.json and feed.xml)', () => {
    expect(html).not.toMatch(/<(script|img|iframe)\b/i);
    // The two <link>s: the favicon as a data: URI, and the feed (not fetched by the browser).
    const links = html.match(/<link\b[^>]*>/g) ?? [];
    expect(links).toHaveLength(2);
    expect(links[0]).toMatch(/^<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,/);
    expect(links[1]).toMatch(/rel="alternate" type="application\/atom\+xml" .*href="feed\.xml"/);
    // The CSP stays strict: nothing but inline styles and data: images.
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`,
    );
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('never publishes health URLs (they may hold tokens)', () => {
    for (const [path, content] of Object.entries(files)) {
      expect([path, content.includes('SECRET_IN_URL')]).toEqual([path, false]);
      expect([path, content.includes('api.example.com')]).toEqual([path, false]);
    }
  });

  it('status.json has the overall status, per service uptime windows and response times', () => {
    const doc = JSON.parse(files['status.json']);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      title: 'Acme status',
      status: 'down',
      generatedAt: '2026-11-30T12:00:00.000Z',
    });
    const api = doc.services.find((s: { id: string }) => s.id === 'api');
    expect(api.uptime['24h']).toBe(100);
    expect(api.uptime['7d']).toBeCloseTo(100 * (1 - 30 / (7 * 1440)), 6);
    expect(api.responseTimeMs.p50).toBeGreaterThan(0);
    expect(api.hourly).toHaveLength(7 * 24);
    expect(doc.incidents.map((i: { issue: number | null }) => i.issue)).toEqual([12, null, 3]);
  });

  it('every badge JSON validates against shields’ endpoint schema', () => {
    const jsons = Object.entries(files).filter(([p]) => p.endsWith('.json') && p.startsWith('badges/'));
    expect(jsons).toHaveLength(25);
    for (const [path, content] of jsons) {
      const result = shieldsEndpointSchema.safeParse(JSON.parse(content));
      expect([path, result.success ? 'valid' : result.error.message]).toEqual([path, 'valid']);
    }
    expect(JSON.parse(files['badges/worker/status.json'])).toEqual({
      schemaVersion: 1,
      label: 'Worker',
      message: 'down',
      color: 'red',
      cacheSeconds: 300,
    });
    expect(JSON.parse(files['badges/docs/status.json']).message).toBe('maintenance');
    expect(JSON.parse(files['badges/api/uptime-7d.json'])).toMatchObject({
      label: 'uptime 7d',
      message: '99.7%',
      color: 'green',
    });
  });

  it('the schema itself rejects what shields would', () => {
    expect(shieldsEndpointSchema.safeParse({ schemaVersion: 2, label: 'a', message: 'b' }).success).toBe(
      false,
    );
    expect(shieldsEndpointSchema.safeParse({ schemaVersion: 1, label: 'a', message: '' }).success).toBe(
      false,
    );
    expect(
      shieldsEndpointSchema.safeParse({ schemaVersion: 1, label: 'a', message: 'b', cacheSeconds: 60 })
        .success,
    ).toBe(false);
    expect(
      shieldsEndpointSchema.safeParse({ schemaVersion: 1, label: 'a', message: 'b', extra: 1 }).success,
    ).toBe(false);
  });

  it('badge Markdown points shields at the published JSON and links the page', () => {
    const md = badgeMarkdown([{ id: 'api', name: 'Public [API]' }], 'https://acme.github.io/status');
    expect(md).toContain(
      '[![Public API status](https://img.shields.io/endpoint?url=https%3A%2F%2Facme.github.io%2Fstatus%2Fbadges%2Fapi%2Fstatus.json)](https://acme.github.io/status/)',
    );
    expect(md.split('\n')[1].match(/img\.shields\.io/g)).toHaveLength(5);
  });

  it('a javascript: incident URL from a hostile state is not linked', () => {
    const state = fixtureState();
    state.incidents.worker = { ...state.incidents.worker, url: 'javascript:alert(1)' };
    state.history!.incidents = state.history!.incidents.map((i) => ({ ...i, url: 'javascript:alert(1)' }));
    const page = renderSite(fixtureConfig(), state, { now: NOW })['index.html'];
    expect(page).not.toContain('javascript:');
    expect(page).toContain('issue #12');
  });
});

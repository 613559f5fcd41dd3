import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderSite } from '../../src/site/index.js';
import { fixtureConfig, fixtureState, NOW } from '../site/fixture.js';
import { historySchema } from '../../src/state/history-schema.js';

/** What a hostile state file (the state branch is writable by anyone with contents: write) can do to the page. */
describe('status page against a hostile state file', () => {
  it('services only in the state (path-like keys included) are not rendered and write no file', () => {
    const state = fixtureState();
    state.services['../../etc/passwd'] = state.services.api;
    state.history!.services['../../etc/passwd'] = state.history!.services.api;
    state.incidents['../x'] = { number: 1, openedAt: NOW, kind: 'down', url: 'https://evil.example/' };
    const files = renderSite(fixtureConfig(), state, { now: NOW });
    expect(Object.keys(files).filter((p) => p.includes('..'))).toEqual([]);
    expect(files['index.html']).not.toContain('evil.example');
  });

  it('an incident URL with markup or another scheme never becomes a live link', () => {
    const state = fixtureState();
    state.incidents.worker = {
      ...state.incidents.worker,
      url: 'https://x.example/"><script>alert(1)</script>',
    };
    state.history!.incidents = state.history!.incidents.map((i) => ({
      ...i,
      url: 'data:text/html,<script>alert(1)</script>',
    }));
    const html = renderSite(fixtureConfig(), state, { now: NOW })['index.html'];
    expect(html).not.toMatch(/<script|data:text/i);
  });

  it('the history schema refuses a history of the wrong shape, so the engine can reject it on read', () => {
    expect(
      historySchema.safeParse({ services: { api: { hourly: 'x', daily: [] } }, incidents: [] }).success,
    ).toBe(false);
    expect(
      historySchema.safeParse({ services: {}, incidents: [{ service: 'a', number: 'x' }] }).success,
    ).toBe(false);
  });
});

describe('examples/workflows/pages.yml', () => {
  it('renders the page itself from state.json with the released bundle, then upload-pages-artifact and deploy-pages; least privilege, no secret', () => {
    const text = readFileSync('examples/workflows/pages.yml', 'utf8');
    const wf = parse(text);
    expect(wf.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    const build: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> = wf.jobs.build.steps;
    const checkouts = build.filter((s) => s.uses === 'actions/checkout@v4').map((s) => s.with);
    expect(checkouts).toContainEqual(expect.objectContaining({ ref: 'uptime-state', path: 'uptime-state' }));
    expect(checkouts).toContainEqual(
      expect.objectContaining({ repository: 'superparty/uptime-action', ref: 'v1', path: '.uptime-action' }),
    );
    const render = build.find((s) => s.run?.includes(' site '))?.run;
    expect(render).toContain('node .uptime-action/dist/cli.js site');
    expect(render).toContain('--state uptime-state/state.json');
    expect(render).toContain('--out _site');
    expect(build.at(-1)).toEqual({ uses: 'actions/upload-pages-artifact@v3', with: { path: '_site' } });
    expect(wf.jobs.deploy.steps[0].uses).toBe('actions/deploy-pages@v4');
    expect(wf.jobs.deploy.environment.name).toBe('github-pages');
    // The page needs none of the config's secrets: the job is given none.
    expect(text).not.toMatch(/secrets\.|RAILWAY|WEBHOOK_URL/);
  });
});

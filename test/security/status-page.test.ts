import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderSite } from '../../src/site/index.js';
import { historySchema } from '../../src/history/index.js';
import { fixtureConfig, fixtureState, NOW } from '../site/fixture.js';

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
  it('publishes site/ of the state branch with upload-pages-artifact and deploy-pages, least privilege', () => {
    const wf = parse(readFileSync('examples/workflows/pages.yml', 'utf8'));
    expect(wf.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    const build = wf.jobs.build.steps;
    expect(build[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { ref: 'uptime-state' } });
    expect(build.at(-1)).toEqual({ uses: 'actions/upload-pages-artifact@v3', with: { path: 'site' } });
    expect(wf.jobs.deploy.steps[0].uses).toBe('actions/deploy-pages@v4');
    expect(wf.jobs.deploy.environment.name).toBe('github-pages');
  });
});

import type { Config } from '../config/schema.js';
import { badgeFiles } from './badges.js';
import type { StateWithHistory } from '../history/state.js';
import { renderFeed } from './feed.js';
import { renderIndexHtml } from './html.js';
import { siteModel, type SiteModel, type SiteOptions } from './model.js';

/** `status.json`: the page's data for machines (no health URLs, no error texts: both may hold secrets). */
export function statusJson(model: SiteModel): string {
  const doc = {
    schemaVersion: 1,
    title: model.title,
    generatedAt: new Date(model.generatedAt).toISOString(),
    status: model.status,
    services: model.services.map((s) => ({
      id: s.id,
      name: s.name,
      status: s.status,
      since: s.since === undefined ? null : new Date(s.since).toISOString(),
      pausedUntil: s.pausedUntil === undefined ? null : new Date(s.pausedUntil).toISOString(),
      uptime: s.uptime,
      responseTimeMs: s.responseMs ?? null,
      watchedSince: s.watchedSince === undefined ? null : new Date(s.watchedSince).toISOString(),
      daily: s.days
        .filter((d) => d.state !== 'none')
        .map((d) => ({
          date: new Date(d.date).toISOString().slice(0, 10),
          uptime: d.uptime ?? null,
          watchedMs: d.watchedMs,
          incidents: d.incidents,
        })),
      certificateDaysLeft: s.certificateDaysLeft ?? null,
      hourly: s.hourly.map(({ t, ok, total, p50, p95, max }) => ({
        t: new Date(t).toISOString(),
        ok,
        total,
        p50,
        p95,
        max,
      })),
    })),
    incidents: model.incidents.map((i) => ({
      service: i.service,
      kind: i.kind,
      start: new Date(i.start).toISOString(),
      end: i.end === undefined ? null : new Date(i.end).toISOString(),
      issue: i.number ?? null,
      url: i.url ?? null,
      actions: i.actions,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The static status site from the config and the state: `index.html` (needs no network), `status.json`,
 * `feed.xml` (Atom, incidents), and
 * per service `badges/<service>/{status,uptime-24h,uptime-7d,uptime-30d,response-time}.{json,svg}`.
 * Returns path → content; the caller writes them (the CLI to a folder, the Action to `site/` on the state
 * branch). Pure: the same inputs give the same files.
 */
export function renderSite(
  config: Config,
  state: StateWithHistory,
  options: SiteOptions,
): Record<string, string> {
  const model = siteModel(config, state, options);
  return {
    'index.html': renderIndexHtml(model),
    'status.json': statusJson(model),
    'feed.xml': renderFeed(model),
    ...badgeFiles(model.services, model.generatedAt),
  };
}

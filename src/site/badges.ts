import { makeBadge } from 'badge-maker';
import { formatPercent, UPTIME_WINDOWS, type UptimeWindow } from '../history/uptime.js';
import { formatDuration } from '../util/duration.js';
import type { PageStatus, ServiceView } from './model.js';
import { plainText } from '../util/escape.js';

/** Longest service name on a badge: a badge is a fixed, small space (the rest becomes `…`). */
export const BADGE_LABEL_MAX = 40;

/**
 * Per-service badges in shields.io's endpoint format (https://shields.io/badges/endpoint-badge) and the same
 * as SVG made by `badge-maker`, the library behind shields. Files: `badges/<service>/<kind>.json|svg`.
 */

/** shields' endpoint JSON. */
export interface EndpointBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  /** shields caches at least 300 s. */
  cacheSeconds: number;
}

export const BADGE_KINDS = ['status', 'uptime-24h', 'uptime-7d', 'uptime-30d', 'response-time'] as const;
export type BadgeKind = (typeof BADGE_KINDS)[number];

const STATUS_BADGE: Record<PageStatus, [string, string]> = {
  up: ['up', 'brightgreen'],
  slow: ['slow', 'yellow'],
  degraded: ['degraded', 'orange'],
  down: ['down', 'red'],
  maintenance: ['maintenance', 'blue'],
  unknown: ['no data', 'lightgrey'],
};

/** shields' uptime colours (as its uptimerobot badges). */
export function uptimeColor(percent: number | undefined): string {
  if (percent === undefined) return 'lightgrey';
  if (percent >= 99.9) return 'brightgreen';
  if (percent >= 99) return 'green';
  if (percent >= 97) return 'yellowgreen';
  if (percent >= 95) return 'yellow';
  if (percent >= 90) return 'orange';
  return 'red';
}

/** Response time colours: under 300 ms bright green … 5 s and more red. */
export function responseColor(ms: number | undefined): string {
  if (ms === undefined) return 'lightgrey';
  if (ms < 300) return 'brightgreen';
  if (ms < 1000) return 'green';
  if (ms < 2000) return 'yellow';
  if (ms < 5000) return 'orange';
  return 'red';
}

const endpoint = (label: string, message: string, color: string): EndpointBadge => ({
  schemaVersion: 1,
  label,
  message,
  color,
  cacheSeconds: 300,
});

/**
 * The five endpoint badges of a service. With `now`, a window the service was not watched through says how
 * long it was (`99.9% (8d watched)`), as the page does, instead of passing for a full 30 days.
 */
export function serviceBadges(service: ServiceView, now?: number): Record<BadgeKind, EndpointBadge> {
  const [message, color] = STATUS_BADGE[service.status];
  const watched =
    now !== undefined && service.watchedSince !== undefined ? now - service.watchedSince : undefined;
  const uptime = (w: UptimeWindow) => {
    const value = service.uptime[w];
    const partial = watched !== undefined && watched < UPTIME_WINDOWS[w];
    const text = value === undefined ? 'no data' : formatPercent(value);
    return endpoint(
      `uptime ${w}`,
      partial && value !== undefined ? `${text} (${formatDuration(watched)} watched)` : text,
      uptimeColor(value),
    );
  };
  const ms = service.responseMs?.p50;
  return {
    status: endpoint(plainText(service.name, BADGE_LABEL_MAX), message, color),
    'uptime-24h': uptime('24h'),
    'uptime-7d': uptime('7d'),
    'uptime-30d': uptime('30d'),
    'response-time': endpoint(
      'response time',
      ms === undefined ? 'no data' : `${Math.round(ms)} ms`,
      responseColor(ms),
    ),
  };
}

/** The SVG of an endpoint badge (badge-maker escapes its text). */
export function badgeSvg(badge: EndpointBadge): string {
  return makeBadge({ label: badge.label, message: badge.message, color: badge.color, style: 'flat' });
}

/** Badge files under `badges/`: JSON and SVG per service and kind (`now`: see {@link serviceBadges}). */
export function badgeFiles(services: ServiceView[], now?: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (const service of services) {
    for (const [kind, badge] of Object.entries(serviceBadges(service, now))) {
      files[`badges/${service.id}/${kind}.json`] = `${JSON.stringify(badge, null, 2)}\n`;
      files[`badges/${service.id}/${kind}.svg`] = badgeSvg(badge);
    }
  }
  return files;
}

/**
 * Markdown for a README: per service the status, uptime and response-time badges as shields endpoint badges
 * pointing at the published site (`baseUrl`, e.g. https://acme.github.io/status/), each linking to the page.
 */
export function badgeMarkdown(services: Array<Pick<ServiceView, 'id' | 'name'>>, baseUrl: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const lines: string[] = [];
  for (const s of services) {
    const alt = plainText(s.name, BADGE_LABEL_MAX).replace(/[[\]\\]/g, '');
    const badges = BADGE_KINDS.map((kind) => {
      const json = encodeURIComponent(`${base}badges/${s.id}/${kind}.json`);
      return `[![${alt} ${kind.replace('-', ' ')}](https://img.shields.io/endpoint?url=${json})](${base})`;
    });
    lines.push(`<!-- ${s.id} -->`, badges.join(' '), '');
  }
  return lines.join('\n').trimEnd();
}

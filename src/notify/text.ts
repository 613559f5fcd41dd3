import { formatDuration } from '../util/duration.js';
import type { NotificationEvent } from './events.js';

/**
 * Plain text of an event, before each target's escaping. Text echoed from a service (its error, its name) is
 * neutralised here: control characters and bidi overrides removed, one line, clamped.
 */

const TITLES: Record<NotificationEvent['transition'], string> = {
  down: '🔴 {name} is down',
  degraded: '🟠 {name} is degraded',
  escalated: '🚨 {name} needs a person: recovery gave up',
  resolved: '✅ {name} is back up',
  burn: '🔥 {name} is burning its error budget',
  test: '🔔 Test notification from uptime-action',
};

/** Removes control and bidi-override characters; collapses whitespace; clamps to `max` characters. */
export function neutralise(text: string, max = 500): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clamp(clean, max);
}

/** Shortens to at most `max` characters (code points), ending with `…` when cut. */
export function clamp(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** The title, e.g. `🔴 API is down`. */
export function eventTitle(event: NotificationEvent): string {
  return TITLES[event.transition].replace('{name}', neutralise(event.serviceName, 100));
}

/** Label/value facts for cards and embeds (values neutralised, not yet escaped). */
export function eventFacts(event: NotificationEvent): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  if (event.transition !== 'test')
    facts.push(['Service', `${neutralise(event.serviceName, 100)} (${neutralise(event.service, 60)})`]);
  if (event.reason) facts.push(['Reason', neutralise(event.reason, 300)]);
  if (event.durationMs !== undefined) facts.push(['Duration', formatDuration(event.durationMs)]);
  facts.push(['At', new Date(event.at).toISOString().replace(/\.\d+Z$/, 'Z')]);
  if (event.incident) facts.push(['Incident', `#${event.incident.number}`]);
  return facts;
}

/** A link worth following (the incident issue, else the status page), only http(s). */
export function eventLink(event: NotificationEvent): string | undefined {
  for (const url of [event.incident?.url, event.pageUrl]) {
    if (url && /^https?:\/\/[^\s<>"']+$/.test(url)) return url;
  }
  return undefined;
}

/** Escapes `&`, `<`, `>` (Slack mrkdwn and Telegram HTML), and `"` for attributes. */
export function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Backslash-escapes Markdown syntax (Discord, Adaptive Cards), so `[x](y)`, `**`, `@everyone` stay text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_~|[\]()#>+\-=.!{}<])/g, '\\$1').replace(/@/g, '@\u200b');
}

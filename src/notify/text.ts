import { formatDuration } from '../util/duration.js';
import { MAX_NAME, MAX_REASON, plainText, shorten } from '../util/escape.js';
import type { NotificationEvent } from '../state/types.js';

/**
 * Plain text of an event, before each target's escaping (src/util/escape.ts, applied in payloads.ts). Text
 * echoed from a service (its error, its name) is made one line and shortened here.
 */

const TITLES: Record<NotificationEvent['transition'], string> = {
  down: '🔴 {name} is down',
  degraded: '🟠 {name} is degraded',
  escalated: '🚨 {name} needs a person: recovery gave up',
  resolved: '✅ {name} is back up',
  burn: '🔥 {name} is burning its error budget',
  test: '🔔 Test notification from uptime-action',
};

/** One line, control and bidi characters removed (emoji joiners kept), at most `max` graphemes (src/util/escape.ts). */
export function neutralise(text: string, max = MAX_REASON): string {
  return plainText(text, max);
}

/** Shortens to at most `max` graphemes, ending with `…` when cut. */
export const clamp = shorten;

/** Longest service name in a chat title (a phone's notification shows about this much). */
export const TITLE_NAME_MAX = 60;

/** The title, e.g. `🔴 API is down`. */
export function eventTitle(event: NotificationEvent): string {
  // A function, so a `$&` in the name stays text.
  const name = neutralise(event.serviceName, TITLE_NAME_MAX);
  return TITLES[event.transition].replace('{name}', () => name);
}

/** Label/value facts for cards and embeds (values neutralised, not yet escaped). */
export function eventFacts(event: NotificationEvent): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  if (event.transition !== 'test')
    facts.push(['Service', `${neutralise(event.serviceName, MAX_NAME)} (${neutralise(event.service, 60)})`]);
  if (event.reason) facts.push(['Reason', neutralise(event.reason, 300)]);
  if (event.durationMs !== undefined) facts.push(['Duration', formatDuration(event.durationMs)]);
  facts.push(['At', new Date(event.at).toISOString().replace(/\.\d+Z$/, 'Z')]);
  if (event.incident) facts.push(['Incident', `#${event.incident.number}`]);
  return facts;
}

/** A link worth following (the incident issue, else the status page), only http(s), no `|` (it ends a Slack link). */
export function eventLink(event: NotificationEvent): string | undefined {
  for (const url of [event.incident?.url, event.pageUrl]) {
    if (url && /^https?:\/\/[^\s<>"'|]+$/.test(url)) return url;
  }
  return undefined;
}

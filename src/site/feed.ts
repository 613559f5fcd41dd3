import { formatDuration } from '../util/duration.js';
import { shorten, xml } from '../util/escape.js';
import type { IncidentView, SiteModel } from './model.js';

/**
 * `feed.xml`: an Atom feed (RFC 4287) of the page's incidents, one entry per incident, newest first, so a
 * feed reader or a chat's RSS app follows them. Entry ids are stable (service and start), so a reader shows an
 * incident once and updates it when it ends. Links are absolute when `statusPage.url` is set.
 */
export function renderFeed(model: SiteModel): string {
  const base = model.url;
  const feedId = base
    ? `${base}feed.xml`
    : `tag:uptime-action,2026:${encodeURIComponent(model.title)}/incidents`;
  const iso = (at: number) => new Date(at).toISOString();
  // Deterministic: the newest change of any incident (the page's own time would change the file every render).
  const updated = model.incidents.reduce((t, i) => Math.max(t, i.end ?? i.start), 0) || model.generatedAt;
  const links = base
    ? `<link rel="self" type="application/atom+xml" href="${xml(`${base}feed.xml`)}"/>\n<link rel="alternate" type="text/html" href="${xml(base)}"/>\n`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${xml(`${model.title}: incidents`)}</title>
<subtitle>Outages and degradations found by uptime-action, and what was done.</subtitle>
<id>${xml(feedId)}</id>
<updated>${iso(updated)}</updated>
${links}<author><name>${xml(model.title)}</name></author>
<generator>uptime-action</generator>
${model.incidents.map((i) => entry(i, base ?? undefined)).join('\n')}
</feed>
`;
}

function entry(i: IncidentView, base: string | undefined): string {
  const iso = (at: number) => new Date(at).toISOString();
  const name = shorten(i.serviceName, 100);
  const title =
    i.end === undefined
      ? `${name} is ${i.kind === 'down' ? 'down' : 'degraded'}`
      : `${name} was ${i.kind === 'down' ? 'down' : 'degraded'} for ${formatDuration(i.end - i.start)}`;
  const id = base
    ? `${base}#incident-${encodeURIComponent(i.service)}-${i.start}`
    : `tag:uptime-action,2026:incident/${encodeURIComponent(i.service)}/${i.start}`;
  const lines = [
    `Started ${iso(i.start)}.`,
    i.end === undefined ? 'Ongoing.' : `Ended ${iso(i.end)} after ${formatDuration(i.end - i.start)}.`,
    i.actions.length ? `What was done: ${i.actions.join('; ')}.` : 'No recovery action ran.',
  ];
  if (i.number !== undefined) lines.push(`Issue #${i.number}${i.url ? `: ${i.url}` : ''}.`);
  const link = i.url ?? base;
  return `<entry>
<title>${xml(title)}</title>
<id>${xml(id)}</id>
<published>${iso(i.start)}</published>
<updated>${iso(i.end ?? i.start)}</updated>
${link ? `<link rel="alternate" type="text/html" href="${xml(link)}"/>\n` : ''}<category term="${i.kind}"/>
<content type="text">${xml(lines.join('\n'))}</content>
</entry>`;
}

import { formatPercent, UPTIME_WINDOWS, type UptimeWindow } from '../history/uptime.js';
import { formatDuration } from '../util/duration.js';
import { responseChart } from './chart.js';
import { esc, safeHref, utc } from './escape.js';
import type { IncidentView, OverallStatus, PageStatus, ServiceView, SiteModel } from './model.js';
import { STYLE } from './style.js';

const OVERALL: Record<OverallStatus, string> = {
  up: 'All systems operational',
  degraded: 'Degraded performance',
  down: 'Partial outage: some services are down',
  maintenance: 'Under maintenance',
  unknown: 'No checks recorded yet',
};
const STATUS: Record<PageStatus, string> = {
  up: 'Operational',
  slow: 'Slow',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'Maintenance',
  unknown: 'No data',
};
const WINDOW_NAMES: Record<UptimeWindow, string> = {
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
};

/** The status page: one self-contained HTML file (inline CSS and SVG, no script, no request to anywhere). */
export function renderIndexHtml(model: SiteModel): string {
  const title = esc(model.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="overall s-${model.status}" data-overall="${model.status}">${OVERALL[model.status]}</p>
<p class="muted">Updated <time datetime="${new Date(model.generatedAt).toISOString()}">${utc(model.generatedAt)}</time></p>
</header>
<main>
<section aria-labelledby="services-heading">
<h2 id="services-heading">Services</h2>
<ul class="services">
${model.services.map((s, i) => serviceCard(s, i, model.generatedAt)).join('\n')}
</ul>
</section>
<section aria-labelledby="incidents-heading">
<h2 id="incidents-heading">Incidents, last 90 days</h2>
${incidentList(model.incidents)}
</section>
</main>
<footer><p>Checked by uptime-action. Machine-readable: <a href="status.json">status.json</a>.</p></footer>
</body>
</html>
`;
}

function serviceCard(s: ServiceView, index: number, now: number): string {
  const headingId = `service-${index}`;
  const since =
    s.since !== undefined
      ? ` since <time datetime="${new Date(s.since).toISOString()}">${utc(s.since)}</time>`
      : '';
  const until =
    s.pausedUntil !== undefined
      ? `, until <time datetime="${new Date(s.pausedUntil).toISOString()}">${utc(s.pausedUntil)}</time>`
      : '';
  const note =
    s.status === 'maintenance'
      ? '<p class="muted">Paused for maintenance: checks do not count and no recovery runs.</p>'
      : '';
  const uptime = (Object.keys(UPTIME_WINDOWS) as UptimeWindow[])
    .map(
      (w) =>
        `<div><dt>Uptime ${WINDOW_NAMES[w]}</dt><dd data-window="${w}">${formatPercent(s.uptime[w])}</dd></div>`,
    )
    .join('');
  const response = s.responseMs
    ? `Response time (24 h): median ${Math.round(s.responseMs.p50)} ms, 95th percentile ${Math.round(s.responseMs.p95)} ms.`
    : 'No response time recorded yet.';
  const certificate =
    s.certificateDaysLeft === undefined
      ? ''
      : `<p class="muted certificate">TLS certificate: ${s.certificateDaysLeft} day${s.certificateDaysLeft === 1 ? '' : 's'} left.</p>\n`;
  return `<li class="service" data-service="${esc(s.id)}" data-status="${s.status}">
<article aria-labelledby="${headingId}">
<div class="service-head"><h3 id="${headingId}">${esc(s.name)}</h3>
<p class="status s-${s.status}"><span class="status-text">${STATUS[s.status]}</span><span class="muted">${since}${until}</span></p></div>
${note}${certificate}<dl class="uptime">${uptime}</dl>
<figure>
${responseChart(`chart-${index}`, s.name, s.hourly, now)}
<figcaption>${response} <span class="legend-p50">Solid line: hourly median</span>; <span class="legend-p95">dashed line: hourly 95th percentile</span>.</figcaption>
</figure>
</article>
</li>`;
}

function incidentList(incidents: IncidentView[]): string {
  if (incidents.length === 0) return '<p>No incidents recorded.</p>';
  const items = incidents.map((i) => {
    const what = `${esc(i.serviceName)} ${i.kind === 'down' ? 'was down' : 'was degraded'}`;
    const when = `<time datetime="${new Date(i.start).toISOString()}">${utc(i.start)}</time>`;
    const span = i.end === undefined ? '<strong>ongoing</strong>' : `for ${formatDuration(i.end - i.start)}`;
    const href = safeHref(i.url);
    const issue =
      i.number !== undefined
        ? href
          ? ` · <a href="${href}">issue #${i.number}</a>`
          : ` · issue #${i.number}`
        : '';
    return `<li data-incident-service="${esc(i.service)}">${when}: ${i.end === undefined ? what.replace(' was ', ' is ') : what} ${span}${issue}</li>`;
  });
  return `<ol class="incidents">${items.join('')}</ol>`;
}

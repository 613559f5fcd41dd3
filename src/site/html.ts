import { formatBurn } from '../slo/burn.js';
import { formatPercent, UPTIME_WINDOW_NAMES, UPTIME_WINDOWS, type UptimeWindow } from '../history/uptime.js';
import { formatDuration } from '../util/duration.js';
import { shorten } from '../util/escape.js';
import { responseChart } from './chart.js';
import type { DayView } from './days.js';
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
/** The favicon's colour per overall status (an inline SVG: the page loads nothing). */
const FAVICON: Record<OverallStatus, string> = {
  up: '#1a7f37',
  degraded: '#bf8700',
  down: '#cf222e',
  maintenance: '#0860ca',
  unknown: '#59636e',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `4 Dec`, `4 Dec 2026` (UTC; the same on every machine, whatever its locale data). */
const day = (at: number, year = false) => {
  const d = new Date(at);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${year ? ` ${d.getUTCFullYear()}` : ''}`;
};
const time = (at: number, text = utc(at)) => `<time datetime="${new Date(at).toISOString()}">${text}</time>`;

function favicon(status: OverallStatus): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='${FAVICON[status]}'/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function description(model: SiteModel): string {
  const names = model.services.map((s) => shorten(s.name, 40));
  const list =
    names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  return shorten(
    `${OVERALL[model.status]}. Live status, 90-day uptime and incident history of ${list || 'no services yet'}.`,
    300,
  );
}

/**
 * The status page: one self-contained HTML file (inline CSS and SVG, no script, no request to anywhere; the
 * favicon is a `data:` URI, which the CSP's `img-src data:` allows and nothing else).
 */
export function renderIndexHtml(model: SiteModel): string {
  const title = esc(model.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="color-scheme" content="light dark">
<meta name="description" content="${esc(description(model))}">
<title>${title}</title>
<link rel="icon" type="image/svg+xml" href="${favicon(model.status)}">
<link rel="alternate" type="application/atom+xml" title="${title}: incidents" href="feed.xml">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#incidents-heading">Skip to the incident history</a>
<header>
<h1>${title}</h1>
<p class="overall s-${model.status}" data-overall="${model.status}">${OVERALL[model.status]}</p>
<p class="muted">Updated ${time(model.generatedAt)}</p>
</header>
<main>
<section aria-labelledby="services-heading">
<h2 id="services-heading">Services</h2>
<ul class="services">
${model.services.map((s, i) => serviceCard(s, i, model.generatedAt)).join('\n')}
</ul>
</section>
<section aria-labelledby="incidents-heading">
<h2 id="incidents-heading" tabindex="-1">Incidents, last 90 days</h2>
${incidentList(model.incidents)}
</section>
</main>
<footer><p>Checked by uptime-action. Machine-readable: <a href="status.json">status.json</a>. Subscribe to incidents: <a href="feed.xml">Atom feed</a>.</p></footer>
</body>
</html>
`;
}

function serviceCard(s: ServiceView, index: number, now: number): string {
  const headingId = `service-${index}`;
  const since = s.since !== undefined ? ` since ${time(s.since)}` : '';
  const until = s.pausedUntil !== undefined ? `, until ${time(s.pausedUntil)}` : '';
  const note =
    s.status === 'maintenance'
      ? '<p class="muted">Paused for maintenance: checks do not count and no recovery runs.</p>'
      : '';
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
${note}${certificate}${uptimeBars(s, index, now)}
<dl class="uptime">${uptimeWindows(s, now)}${s.errorBudget ? `<div><dt>Error budget (30 d)</dt><dd data-burn="${s.errorBudget.burning ?? 'none'}">${esc(formatBurn(s.errorBudget))}</dd></div>` : ''}</dl>
<figure class="response">
<figcaption>${response} <span class="legend-p50">Solid: hourly median</span>; <span class="legend-p95">dashed: hourly 95th percentile</span>.</figcaption>
${responseChart(`chart-${index}`, s.name, s.hourly, now, s.lastResponse)}
</figure>
</article>
</li>`;
}

function dayText(d: DayView, now: number): string {
  const watched = d.watchedMs < 86_400_000 ? ` (${formatDuration(d.watchedMs)} watched)` : '';
  const incidents =
    d.incidents === 0 ? 'no incidents' : d.incidents === 1 ? '1 incident' : `${d.incidents} incidents`;
  const today = d.date + 86_400_000 > now ? ' (today)' : '';
  return `${day(d.date, true)}${today}${watched}: ${formatPercent(d.uptime)} uptime, ${incidents}`;
}

/**
 * One tick per UTC day for 90 days, coloured by that day's uptime. Each tick is focusable and holds its label
 * as text (date, uptime, incidents): a screen reader reads it, a keyboard reaches it, and hover or focus shows
 * it under the bar, all without script. The days before monitoring began are one grey stretch that says so.
 */
function uptimeBars(s: ServiceView, index: number, now: number): string {
  const days = s.days;
  if (days.length === 0) return '';
  const firstWatched = days.findIndex((d) => d.state !== 'none' || d.watchedMs > 0);
  const items: string[] = [];
  const gap = firstWatched === -1 ? days.length : firstWatched;
  if (gap > 0) {
    const text =
      gap === 1
        ? `${day(days[0].date, true)}: not watched yet`
        : `${day(days[0].date)} to ${day(days[gap - 1].date, true)}: not watched yet`;
    items.push(
      `<li class="day d-none" style="flex-grow:${gap}" tabindex="0"><span class="tip">${text}</span></li>`,
    );
  }
  for (const d of days.slice(gap)) {
    items.push(
      `<li class="day d-${d.state}" tabindex="0" data-day="${new Date(d.date).toISOString().slice(0, 10)}"><span class="tip">${esc(dayText(d, now))}</span></li>`,
    );
  }
  const watched =
    s.watchedSince !== undefined && now - s.watchedSince < 90 * 86_400_000
      ? `since ${day(s.watchedSince)}, ${formatDuration(now - s.watchedSince)} watched`
      : 'last 90 days';
  const label = `Uptime per day of ${shorten(s.name, 60)}, ${watched}`;
  return `<div class="bars">
<ol class="days" id="days-${index}" aria-label="${esc(label)}">${items.join('')}</ol>
<p class="bars-legend muted" aria-hidden="true"><span>${day(days[0].date)}</span><span>${watched === 'last 90 days' ? `${formatPercent(s.uptime['90d'])} uptime, 90 days` : watched}</span><span>today</span></p>
</div>`;
}

/**
 * The uptime windows the service was watched for in full; then, while it has been watched for less than 90
 * days, one figure "since 4 Dec, 2h watched" instead of figures for windows it was not watched through.
 */
function uptimeWindows(s: ServiceView, now: number): string {
  if (s.watchedSince === undefined)
    return '<div><dt>Uptime</dt><dd data-window="none">—</dd><dd class="muted">no checks yet</dd></div>';
  const watchedMs = now - s.watchedSince;
  const out: string[] = [];
  for (const w of UPTIME_WINDOW_NAMES) {
    if (watchedMs >= UPTIME_WINDOWS[w])
      out.push(
        `<div><dt>Uptime ${WINDOW_NAMES[w]}</dt><dd data-window="${w}">${formatPercent(s.uptime[w])}</dd></div>`,
      );
  }
  if (watchedMs < UPTIME_WINDOWS['90d']) {
    out.push(
      `<div><dt>Uptime since ${time(s.watchedSince, watchedMs < 86_400_000 ? `${day(s.watchedSince)} ${utc(s.watchedSince).slice(11)}` : day(s.watchedSince))}</dt><dd data-window="since">${formatPercent(s.uptime['90d'])}</dd><dd class="muted watched">${formatDuration(watchedMs)} watched</dd></div>`,
    );
  }
  return out.join('');
}

function incidentList(incidents: IncidentView[]): string {
  if (incidents.length === 0) return '<p>No incidents recorded.</p>';
  const items = incidents.map((i) => {
    const what = `${esc(i.serviceName)} ${i.kind === 'down' ? 'was down' : 'was degraded'}`;
    const span = i.end === undefined ? '<strong>ongoing</strong>' : `for ${formatDuration(i.end - i.start)}`;
    const href = safeHref(i.url);
    const issue =
      i.number !== undefined
        ? href
          ? ` · <a href="${href}">issue #${i.number}</a>`
          : ` · issue #${i.number}`
        : '';
    const done = i.actions.length
      ? `<ul class="done" aria-label="What was done">${i.actions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
      : '<p class="done muted">No recovery action ran.</p>';
    return `<li data-incident-service="${esc(i.service)}">${time(i.start)}: ${i.end === undefined ? what.replace(' was ', ' is ') : what} ${span}${issue}${done}</li>`;
  });
  return `<ol class="incidents">${items.join('')}</ol>`;
}

import type { Bucket } from '../state/history-schema.js';
import { DAY_MS, HOUR_MS } from '../history/record.js';
import { esc } from './escape.js';

const W = 640;
const H = 120;
const PAD = 6;

/** A round axis maximum above `value`: 1, 2 or 5 × a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 100;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayLabel = (at: number) => `${new Date(at).getUTCDate()} ${MONTHS[new Date(at).getUTCMonth()]}`;
const timeLabel = (at: number) => new Date(at).toISOString().slice(11, 16);

/**
 * The response-time chart, secondary to the uptime bars: the hourly median (solid) and 95th percentile
 * (dashed) since monitoring began, at most 7 days. Its labels are HTML beside the SVG, so they keep the
 * page's font size on a phone (SVG text shrinks with the drawing). One sample is drawn as a point; before
 * the first hourly sample, the last check is that point. The SVG has a `<title>` and a `<desc>` summary.
 */
export function responseChart(
  id: string,
  name: string,
  hourly: Bucket[],
  now: number,
  last?: { at: number; ms: number },
): string {
  let points: Array<{ t: number; p50: number; p95: number; max: number }> = hourly.flatMap(
    ({ t, p50, p95, max }) =>
      t >= now - 7 * DAY_MS && p50 !== null
        ? [{ t: Math.min(t + HOUR_MS / 2, now), p50, p95: p95 ?? p50, max: max ?? p50 }]
        : [],
  );
  if (points.length === 0 && last) points = [{ t: last.at, p50: last.ms, p95: last.ms, max: last.ms }];
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const title = `Response time of ${esc(name)}`;
  if (points.length === 0) {
    return `<p class="chart-empty muted" data-chart="${esc(id)}">No response time recorded yet.</p>`;
  }
  // Since the first sample (at least an hour), at most 7 days: day one is not a dot at the right edge.
  const from = Math.min(points[0].t - HOUR_MS / 2, now - HOUR_MS);
  const max = niceMax(Math.max(...points.map((p) => p.p95)));
  const x = (t: number) => PAD + ((t - from) / (now - from)) * (W - 2 * PAD);
  const y = (ms: number) => PAD + (1 - ms / max) * (H - 2 * PAD);
  const draw = (pick: (p: (typeof points)[number]) => number, cls: string) =>
    points.length === 1
      ? `<circle class="${cls}" cx="${x(points[0].t).toFixed(1)}" cy="${y(pick(points[0])).toFixed(1)}" r="${cls === 'p50' ? 8 : 11}"/>`
      : `<polyline class="${cls}" points="${points.map((p) => `${x(p.t).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ')}"/>`;
  const medians = points.map((p) => p.p50).sort((a, b) => a - b);
  const desc =
    points.length === 1
      ? `One sample so far: ${points[0].p50} ms.`
      : `${points.length} hourly samples. Median ${medians[Math.floor(medians.length / 2)]} ms, ` +
        `highest hourly 95th percentile ${Math.max(...points.map((p) => p.p95))} ms, slowest ${Math.max(...points.map((p) => p.max))} ms.`;
  const span = now - from;
  const label = span > 2 * DAY_MS ? dayLabel : timeLabel;
  const grid = [0, 0.5, 1]
    .map(
      (f) =>
        `<line x1="0" x2="${W}" y1="${y(max * f).toFixed(1)}" y2="${y(max * f).toFixed(1)}" class="grid"/>`,
    )
    .join('');
  return [
    `<div class="chart-wrap" data-chart="${esc(id)}">`,
    `<div class="chart-y muted" aria-hidden="true"><span>${max} ms</span><span>0</span></div>`,
    `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">${title}</title><desc id="${descId}">${desc}</desc>`,
    grid,
    draw((p) => p.p95, 'p95'),
    draw((p) => p.p50, 'p50'),
    `</svg>`,
    `<div class="chart-x muted" aria-hidden="true"><span>${label(from)}</span><span>${span > 2 * DAY_MS ? 'today' : `${timeLabel(now)} UTC`}</span></div>`,
    `</div>`,
  ].join('');
}

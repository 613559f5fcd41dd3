import type { Bucket } from '../history/schema.js';
import { DAY_MS, HOUR_MS } from '../history/record.js';
import { esc } from './escape.js';

const W = 640;
const H = 200;
const PAD = { left: 72, right: 12, top: 12, bottom: 36 };

/** A round axis maximum above `value`: 1, 2 or 5 × a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 100;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * An inline SVG line chart of the hourly median and 95th percentile response time over the last 7 days, with
 * axis labels, a `<title>` and a `<desc>` summarising it for screen readers. Scales to its container.
 */
export function responseChart(id: string, name: string, hourly: Bucket[], now: number): string {
  const from = now - 7 * DAY_MS;
  const points = hourly.filter((b) => b.t >= from && b.p50 !== null);
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const title = `Response time of ${esc(name)}, last 7 days`;
  if (points.length === 0) {
    return `<svg class="chart" role="img" viewBox="0 0 ${W} 60" aria-labelledby="${titleId} ${descId}" data-chart="${esc(id)}"><title id="${titleId}">${title}</title><desc id="${descId}">No response-time samples yet.</desc><text x="${W / 2}" y="34" text-anchor="middle" class="muted">No response-time data yet</text></svg>`;
  }
  const max = niceMax(Math.max(...points.map((b) => b.p95 ?? b.p50 ?? 0)));
  const x = (t: number) => PAD.left + ((t - from) / (now - from)) * (W - PAD.left - PAD.right);
  const y = (ms: number) => PAD.top + (1 - ms / max) * (H - PAD.top - PAD.bottom);
  const line = (pick: (b: Bucket) => number | null) =>
    points.map((b) => `${x(b.t + HOUR_MS / 2).toFixed(1)},${y(pick(b) ?? 0).toFixed(1)}`).join(' ');
  const yTicks = [0, max / 2, max]
    .map(
      (v) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)} ms</text>`,
    )
    .join('');
  const xTicks: string[] = [];
  for (let d = Math.ceil(from / DAY_MS) * DAY_MS; d <= now; d += DAY_MS) {
    const label = new Date(d).toLocaleDateString('en-US', {
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    xTicks.push(
      `<text x="${x(d).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${label}</text>`,
    );
  }
  const medians = points.map((b) => b.p50 as number).sort((a, b) => a - b);
  const p95s = points.map((b) => b.p95 ?? 0);
  const maxes = points.map((b) => b.max ?? 0);
  const desc =
    `${points.length} hourly samples. Median ${medians[Math.floor(medians.length / 2)]} ms, ` +
    `highest hourly 95th percentile ${Math.max(...p95s)} ms, slowest ${Math.max(...maxes)} ms.`;
  return [
    `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" aria-labelledby="${titleId} ${descId}" data-chart="${esc(id)}">`,
    `<title id="${titleId}">${title}</title><desc id="${descId}">${desc}</desc>`,
    `<g class="axis" aria-hidden="true">${yTicks}${xTicks.join('')}`,
    `<text x="12" y="${(H - PAD.bottom) / 2}" transform="rotate(-90 12 ${(H - PAD.bottom) / 2})" text-anchor="middle">Response time</text>`,
    `<text x="${(W + PAD.left) / 2}" y="${H - 4}" text-anchor="middle">Day (UTC)</text></g>`,
    `<polyline class="p95" points="${line((b) => b.p95)}"/>`,
    `<polyline class="p50" points="${line((b) => b.p50)}"/>`,
    `</svg>`,
  ].join('');
}

/**
 * Re-makes docs/img/status-page.png: the status page as `uptime-action site` renders it, for three services
 * watched the way a real repository is (hourly samples, outages, incidents with the recovery that ran),
 * opened from disk in Chromium (puppeteer-core) with the network off, light scheme, 1000 px wide.
 * The state is built with the product's own history functions (`recordSample`, `syncIncidentLog`) over 90
 * simulated days; every figure on the page (uptime, response times, bars) is computed by the page's code.
 *
 *   npx tsx scripts/status-page-shot.ts      (CHROME_PATH overrides /usr/bin/chromium; OUT overrides the PNG)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { configSchema, toConfig } from '../src/config/schema.js';
import { syncIncidentLog } from '../src/history/incidents.js';
import { DAY_MS, HOUR_MS, recordSample } from '../src/history/record.js';
import { emptyHistory } from '../src/state/history-schema.js';
import type { StateWithHistory } from '../src/history/state.js';
import { renderSite } from '../src/site/index.js';
import { emptyRecord, emptyState } from '../src/state/records.js';
import type { RecoveryAttempt } from '../src/state/types.js';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.env.OUT ?? join(root, 'docs/img/status-page.png'));
const NOW = Date.UTC(2026, 11, 4, 14, 20);
const MIN = 60_000;

const parsed = configSchema.parse({
  statusPage: { title: 'Acme status', url: 'https://acme.github.io/status/' },
  services: {
    api: { name: 'API', url: 'https://api.acme.example/health' },
    voice: { name: 'Voice service', url: 'https://voice.acme.example/health' },
    worker: { name: 'Worker', url: 'https://worker.acme.example/health' },
  },
});
const config = toConfig(parsed, 'status-page-shot');
if ('problems' in config) throw new Error(JSON.stringify(config.problems));

/** Who was watched since when, their outages (start offset from now, minutes), and what ran. */
const plan: Record<
  string,
  { since: number; base: number; outages: Array<[number, number]>; attempts?: RecoveryAttempt[] }
> = {
  api: {
    since: NOW - 120 * DAY_MS,
    base: 140,
    outages: [
      [NOW - 61 * DAY_MS, 14 * MIN],
      [NOW - 9 * DAY_MS - 5 * HOUR_MS, 4 * MIN],
    ],
    attempts: [
      {
        action: 'restart',
        trigger: 'down',
        at: NOW - 9 * DAY_MS - 5 * HOUR_MS + 2 * MIN,
        durationMs: 95_000,
        providerOk: true,
        healthy: true,
        detail: 'Railway restart requested',
      },
    ],
  },
  voice: {
    since: NOW - 23 * DAY_MS - 6 * HOUR_MS,
    base: 420,
    outages: [[NOW - 2 * DAY_MS - 3 * HOUR_MS, 47 * MIN]],
    attempts: [
      {
        action: 'restart',
        trigger: 'down',
        at: NOW - 2 * DAY_MS - 3 * HOUR_MS + 2 * MIN,
        durationMs: 120_000,
        providerOk: true,
        healthy: false,
        detail: 'Restart requested',
      },
      {
        action: 'rollback',
        trigger: 'down',
        at: NOW - 2 * DAY_MS - 3 * HOUR_MS + 12 * MIN,
        durationMs: 180_000,
        providerOk: true,
        healthy: true,
        detail: 'Rolled back',
      },
    ],
  },
  worker: {
    since: NOW - 120 * DAY_MS,
    base: 90,
    outages: [[NOW - 33 * DAY_MS, 130 * MIN]],
  },
};

const state: StateWithHistory = emptyState();
let history = emptyHistory();
let incidentNumber = 40;
for (const [id, p] of Object.entries(plan)) {
  const outages = p.outages.map(([start, length]) => ({ start, end: start + length }));
  state.services[id] = {
    ...emptyRecord(p.since),
    firstCheckAt: p.since,
    monitoredMs: NOW - p.since,
    outages: outages.filter((o) => o.end > NOW - 90 * DAY_MS),
    attempts: p.attempts ?? [],
    repairs: p.attempts?.length ?? 0,
    health: {
      ...emptyRecord(p.since).health,
      status: 'up',
      since: outages.at(-1)?.end ?? p.since,
      lastResponseMs: p.base,
      lastCheckAt: NOW,
    },
  };
  // Hourly samples of the last 7 days: a daily rhythm and a little noise, as a real service answers.
  for (let t = Math.max(p.since, NOW - 7 * DAY_MS); t <= NOW; t += HOUR_MS) {
    const daily = Math.sin(((t % DAY_MS) / DAY_MS) * 2 * Math.PI - 1.2);
    const probes = Array.from({ length: 12 }, (_, k) => ({
      ok: true,
      responseMs: Math.round(
        p.base * (1 + 0.25 * daily) +
          ((k * 37 + t / HOUR_MS) % 11) * (p.base / 40) +
          (k === 11 ? p.base * 0.6 : 0),
      ),
    }));
    history = recordSample(history, id, probes, t);
  }
}
// Incident issues, numbered in the order they were opened, each closed when its outage ended.
const allOutages = Object.entries(plan)
  .flatMap(([id, p]) => p.outages.map(([start, length]) => ({ id, start, end: start + length })))
  .sort((a, b) => a.start - b.start);
for (const o of allOutages) {
  const number = incidentNumber++;
  const url = `https://github.com/acme/ops/issues/${number}`;
  history = syncIncidentLog(history, { [o.id]: { number, openedAt: o.start, kind: 'down', url } }, o.start);
  history = syncIncidentLog(history, {}, o.end);
}
state.history = history;

const files = renderSite(config, state, { now: NOW });
const dir = mkdtempSync(join(tmpdir(), 'status-page-shot-'));
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 800, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: process.env.SCHEME ?? 'light' }]);
  await page.setRequestInterception(true);
  page.on('request', (r) =>
    r.url().startsWith('file:') || r.url().startsWith('data:') ? void r.continue() : void r.abort(),
  );
  await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
  // Hovering one day shows its label, as a visitor would see it.
  await page.hover('li.service[data-service="voice"] li.day.d-partial');
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out as `${string}.png`, fullPage: true });
  console.log(`Wrote ${out}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

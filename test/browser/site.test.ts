import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page, type SerializedAXNode } from 'puppeteer-core';
import { configSchema, toConfig, type Config } from '../../src/config/schema.js';
import { emptyHistory } from '../../src/state/history-schema.js';
import { recordSample } from '../../src/history/record.js';
import type { StateWithHistory } from '../../src/history/state.js';
import { renderSite } from '../../src/site/index.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import { CHROMIUM, chromiumDescribe } from '../helpers/chromium.js';
import { fixtureConfig, fixtureState, HOSTILE_NAMES, issueUrl, NOW } from '../site/fixture.js';

/**
 * The status page in a real browser: Debian's Chromium driven by puppeteer-core, the network off (every
 * request that is not a file or data: URI is aborted and recorded), each site opened from disk:
 * - `fixture/`: 8 days of five services (one down with an incident, one paused, two with hostile names);
 * - `dayone/`: one service checked for the first time 15 minutes ago;
 * - `long/`: a 5,000-character unbroken name.
 * Install the browser with `apt-get update && apt-get install -y chromium`. Without it the suite is skipped
 * on a laptop, and fails under CI=true (a CI that lost its browser must not pass silently).
 */
const suite = chromiumDescribe();

const LONG_NAME = 'W'.repeat(5000);
const FAMILY = '👩‍👩‍👧';

function config(services: Record<string, { name: string }>): Config {
  const parsed = configSchema.parse({
    services: Object.fromEntries(
      Object.entries(services).map(([id, s]) => [id, { ...s, url: `https://${id}.example.com/health` }]),
    ),
  });
  const out = toConfig(parsed, 'browser');
  if ('problems' in out) throw new Error(JSON.stringify(out.problems));
  return out;
}

/** One service, first checked 15 minutes before `now`: one probe of 180 ms, healthy. */
function dayOneState(now: number): StateWithHistory {
  const state: StateWithHistory = emptyState();
  const first = now - 15 * 60_000;
  state.services.api = {
    ...emptyRecord(first),
    firstCheckAt: first,
    monitoredMs: 15 * 60_000,
    health: {
      ...emptyRecord(first).health,
      status: 'up',
      since: first,
      lastResponseMs: 180,
      lastCheckAt: now,
    },
  };
  state.history = recordSample(emptyHistory(), 'api', [{ ok: true, responseMs: 180 }], first);
  return state;
}

suite('status page in Chromium (network off)', () => {
  let browser: Browser;
  let dir: string;
  const blocked: string[] = [];
  const problems: string[] = [];

  async function writeSite(name: string, files: Record<string, string>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name, path)), { recursive: true });
      await writeFile(join(dir, name, path), content);
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uptime-site-'));
    await writeSite(
      'fixture',
      renderSite(fixtureConfig(), fixtureState(), { now: NOW, title: 'Acme status', issueUrl }),
    );
    await writeSite('dayone', renderSite(config({ api: { name: 'API' } }), dayOneState(NOW), { now: NOW }));
    const longState = fixtureState();
    longState.services.long = longState.services.api;
    await writeSite(
      'long',
      renderSite(config({ long: { name: LONG_NAME }, family: { name: `${FAMILY} Family app` } }), longState, {
        now: NOW,
      }),
    );
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(
    path: string,
    { scheme = 'light', width = 1000, bypassCsp = true } = {} as {
      scheme?: 'light' | 'dark';
      width?: number;
      bypassCsp?: boolean;
    },
  ): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    // The page's CSP forbids every script; axe is injected by the test, so some tests bypass it.
    if (bypassCsp) await page.setBypassCSP(true);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (/^(file|data):/.test(request.url())) void request.continue();
      else {
        blocked.push(request.url());
        void request.abort();
      }
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(pathToFileURL(join(dir, path)).href, { waitUntil: 'load' });
    return page;
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: resolve('node_modules/axe-core/axe.min.js') });
    const result = await page.evaluate(async () => {
      type Rule = { id: string; impact: string; nodes: unknown[] };
      const axe = (
        globalThis as unknown as { axe: { run: () => Promise<{ violations: Rule[]; passes: Rule[] }> } }
      ).axe;
      const r = await axe.run();
      return {
        passes: r.passes.length,
        list: r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`),
      };
    });
    // axe really ran its rules (colour contrast, landmarks, headings, SVG alternatives, list structure, ...).
    expect(result.passes).toBeGreaterThan(10);
    return result.list;
  }

  /** Every text the accessibility tree exposes under `node`. */
  function axTexts(node: SerializedAXNode | null): string[] {
    if (!node) return [];
    return [node.name ?? '', ...(node.children ?? []).flatMap(axTexts)].filter(Boolean);
  }

  it('shows every service with its status, its uptime bar, its windows and a secondary chart', async () => {
    const page = await open('fixture/index.html');
    const cards = await page.$$eval('li.service', (items) =>
      items.map((li) => ({
        id: li.getAttribute('data-service'),
        name: li.querySelector('h3')?.textContent,
        status: li.querySelector('.status-text')?.textContent,
        days: li.querySelectorAll('ol.days > li').length,
        coloured: li.querySelectorAll('ol.days > li:not(.d-none)').length,
        windows: [...li.querySelectorAll('dd[data-window]')].map(
          (dd) => `${dd.getAttribute('data-window')} ${dd.textContent}`,
        ),
        since: li.querySelector('dd.watched')?.textContent,
        chart: li.querySelector('svg.chart')?.getBoundingClientRect().height ?? 0,
        bar: li.querySelector('ol.days')?.getBoundingClientRect().height ?? 0,
        lines: li.querySelectorAll('svg.chart polyline').length,
      })),
    );
    expect(cards.map((c) => [c.id, c.status])).toEqual([
      ['api', 'Operational'],
      ['worker', 'Down'],
      ['docs', 'Maintenance'],
      ['evil', 'Operational'],
      ['evil2', 'Operational'],
    ]);
    for (const card of cards) {
      // 8 days watched of 90: 81 grey days as one stretch, then 9 coloured days (8 full, today's part).
      expect(card.days).toBe(1 + 9);
      expect(card.coloured).toBe(9);
      // 24 h and 7 days were watched in full; 30 and 90 days were not: one "since" figure instead.
      expect(card.windows.map((w) => w.split(' ')[0])).toEqual(['24h', '7d', 'since']);
      expect(card.since).toBe('8d watched');
      expect(card.lines).toBe(2);
      // The chart is secondary: drawn, but smaller than it was (200 px); the bar is a visible row.
      expect(card.chart).toBeGreaterThan(40);
      expect(card.chart).toBeLessThan(160);
      expect(card.bar).toBeGreaterThan(20);
    }
    expect(await page.$eval('body', (b) => b.textContent)).not.toContain('Uptime 90 days');
    // Hostile names are shown as the text they are; nothing ran.
    expect(cards.slice(3).map((c) => c.name)).toEqual(HOSTILE_NAMES);
    expect(await page.$$('img, script')).toHaveLength(0);
    // The day of api's 30-minute outage is amber, the others green; worker's outage, 2 of today's 12 hours, red.
    const api = await page.$$eval('li.service[data-service="api"] ol.days > li', (lis) =>
      lis.map((li) => `${li.getAttribute('data-day')} ${li.className}`),
    );
    expect(api.filter((d) => d.includes('d-partial'))).toEqual(['2026-11-27 day d-partial']);
    expect(
      await page.$eval('li.service[data-service="worker"] li[data-day="2026-11-30"]', (li) => li.className),
    ).toBe('day d-down');
    expect(await page.$eval('a[href$="/issues/12"]', (a) => a.textContent)).toBe('issue #12');
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);

  it('each day of the bar has a label a screen reader reads and a keyboard reaches, without script', async () => {
    const page = await open('fixture/index.html');
    // The accessibility tree (what a screen reader gets) holds the list's name and every day's label.
    const list = await page.$('li.service[data-service="api"] ol.days');
    const tree = await page.accessibility.snapshot({ root: list!, interestingOnly: false });
    expect(tree?.role).toBe('list');
    expect(tree?.name).toBe('Uptime per day of Public API, since 22 Nov, 8d watched');
    const texts = axTexts(tree);
    expect(texts).toContain('27 Nov 2026: 97.91% uptime, 1 incident');
    expect(texts).toContain('30 Nov 2026 (today) (12h watched): 100% uptime, no incidents');
    expect(texts).toContain('2 Sep to 21 Nov 2026: not watched yet');
    // Keyboard: the first Tab reaches the skip link, the next ones the days, each showing its label.
    await page.keyboard.press('Tab');
    expect(await page.$eval('html', (html) => html.ownerDocument.activeElement?.textContent)).toBe(
      'Skip to the incident history',
    );
    const seen: Array<{ text: string; width: number; visible: boolean }> = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      seen.push(
        await page.$eval('html', (html) => {
          const doc = html.ownerDocument;
          const tip = doc.activeElement!.querySelector('.tip')!;
          const box = tip.getBoundingClientRect();
          const hit = doc.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return { text: tip.textContent ?? '', width: box.width, visible: tip.contains(hit) };
        }),
      );
    }
    expect(seen.map((s) => s.text)).toEqual([
      '2 Sep to 21 Nov 2026: not watched yet',
      '22 Nov 2026 (12h watched): 100% uptime, no incidents',
      '23 Nov 2026: 100% uptime, no incidents',
    ]);
    // The focused day's label is shown on the page, on top, readable.
    for (const s of seen) {
      expect(s.width).toBeGreaterThan(200);
      expect(s.visible).toBe(true);
    }
    // Unfocused labels are hidden from sight only (1 px, clipped), not from the accessibility tree.
    const hidden = await page.$eval(
      'li[data-day="2026-11-27"] .tip',
      (tip) => tip.getBoundingClientRect().width,
    );
    expect(hidden).toBeLessThanOrEqual(1);
    await page.close();
  }, 60_000);

  it('day one: the first 15 minutes are shown as such, one sample drawn as a point', async () => {
    const page = await open('dayone/index.html');
    const view = await page.$eval('li.service', (li) => ({
      windows: [...li.querySelectorAll('dl.uptime > div')].map((d) => d.textContent),
      days: [...li.querySelectorAll('ol.days > li')].map((d) => `${d.className}: ${d.textContent}`),
      circles: [...li.querySelectorAll('svg.chart circle')].map((c) => {
        const r = c.getBoundingClientRect();
        return Math.round(r.width);
      }),
      chartText: li.querySelector('.chart-x')?.textContent,
      desc: li.querySelector('svg.chart desc')?.textContent,
    }));
    // One uptime window, as long as was watched (the error budget's line, when burn rates are on, is not a window).
    expect(view.windows.filter((w) => !w?.startsWith('Error budget'))).toEqual([
      'Uptime since 30 Nov 11:45 UTC100%15m watched',
    ]);
    expect(view.days).toEqual([
      'day d-none: 2 Sep to 29 Nov 2026: not watched yet',
      'day d-up: 30 Nov 2026 (today) (15m watched): 100% uptime, no incidents',
    ]);
    // One sample: a point (median filled, 95th percentile ring), not an invisible one-point line.
    expect(view.circles).toHaveLength(2);
    for (const size of view.circles) expect(size).toBeGreaterThanOrEqual(4);
    expect(view.desc).toBe('One sample so far: 180 ms.');
    expect(view.chartText).toBe('11:0012:00 UTC');
    // No figure for a window not watched through ("Uptime 90 days 96.25%" after 15 minutes).
    expect(await page.$eval('main', (b) => b.textContent)).not.toMatch(
      /Uptime (24 hours|7 days|30 days|90 days)|uptime, 90 days/,
    );
    expect(await page.$$eval('svg.chart polyline', (p) => p.length)).toBe(0);
    await page.close();
  }, 60_000);

  it('every text is at least 12 px tall on a 375 px phone, and nothing scrolls sideways', async () => {
    for (const site of ['fixture', 'dayone', 'long']) {
      const page = await open(`${site}/index.html`, { width: 375 });
      const { smallest, texts, scroll, client } = await page.$eval('html', (html) => {
        const doc = html.ownerDocument;
        const SHOW_TEXT = 4; // NodeFilter.SHOW_TEXT
        const walker = doc.createTreeWalker(doc.body, SHOW_TEXT);
        let min = Infinity;
        let count = 0;
        let small = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement!;
          if (!n.textContent?.trim() || el.closest('title, desc, style')) continue;
          // SVG text shrinks with its drawing: its rendered size is the font size times the scale.
          const svg = el.closest('svg');
          const scale = svg?.getScreenCTM()?.a ?? 1;
          const size = parseFloat(doc.defaultView!.getComputedStyle(el).fontSize) * scale;
          count++;
          if (size < min) {
            min = size;
            small = n.textContent.slice(0, 40);
          }
        }
        return {
          smallest: { size: min, text: small },
          texts: count,
          scroll: html.scrollWidth,
          client: html.clientWidth,
        };
      });
      expect(texts).toBeGreaterThan(10);
      expect([site, smallest.size >= 12 ? 'ok' : smallest]).toEqual([site, 'ok']);
      expect([site, scroll]).toEqual([site, client]);
      await page.close();
    }
  }, 60_000);

  it('a 5,000-character unbroken name wraps on the page and is shortened on its badge', async () => {
    for (const width of [375, 1000]) {
      const page = await open('long/index.html', { width });
      const m = await page.$eval('html', (html) => {
        const h3 = html.querySelector('li[data-service="long"] h3')!;
        return {
          scroll: html.scrollWidth,
          client: html.clientWidth,
          h3Width: h3.getBoundingClientRect().width,
          h3Height: h3.getBoundingClientRect().height,
          text: h3.textContent?.length,
          family: html.querySelector('li[data-service="family"] h3')?.textContent,
        };
      });
      expect(m.scroll).toBe(m.client);
      expect(m.h3Width).toBeLessThan(width);
      // Shown in full, wrapped over many lines.
      expect(m.text).toBe(5000);
      expect(m.h3Height).toBeGreaterThan(200);
      expect(m.family).toBe(`${FAMILY} Family app`);
      await page.close();
    }
    const badge = await open('long/badges/long/status.svg');
    const box = await badge.$eval('svg', (svg) => {
      const r = svg.getBoundingClientRect();
      return { width: r.width, height: r.height, label: svg.querySelector('title')?.textContent };
    });
    expect(box.height).toBe(20);
    // 40 characters of the widest letter, then `…` (it was 41,952 px wide).
    expect(box.width).toBeLessThan(500);
    expect(box.label).toMatch(/^W{39}…: up$/);
    await badge.close();
  }, 60_000);

  it('has no accessibility violations (axe-core), light and dark', async () => {
    const runs = [
      ['fixture', 'light'],
      ['fixture', 'dark'],
      ['dayone', 'dark'],
      ['long', 'light'],
    ] as const;
    for (const [site, scheme] of runs) {
      const page = await open(`${site}/index.html`, { scheme });
      expect([site, scheme, await axeViolations(page)]).toEqual([site, scheme, []]);
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps its strict CSP: nothing refused, the favicon (a data: URI) allowed, a script not', async () => {
    const page = await open('fixture/index.html', { bypassCsp: false });
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) =>
      m.getAttribute('content'),
    );
    expect(csp).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
    );
    const icon = await page.$eval('link[rel=icon]', (l) => l.getAttribute('href'));
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    // The favicon loads under the page's own policy: an image from the same data: URI does.
    const loads = await page.$eval(
      'html',
      (html, href) =>
        new Promise<boolean>((done) => {
          const img = html.ownerDocument.createElement('img');
          img.onload = () => done(img.naturalWidth > 0);
          img.onerror = () => done(false);
          img.src = href!;
        }),
      icon,
    );
    expect(loads).toBe(true);
    expect(problems).toEqual([]);
    // A script added to the page is refused (and Chromium reports it).
    await page.$eval('head', (head) => {
      const s = head.ownerDocument.createElement('script');
      s.textContent = 'document.title = "ran"';
      head.append(s);
    });
    expect(await page.title()).toBe('Acme status');
    expect(problems.splice(0).join('\n')).toMatch(/Content Security Policy/);
    expect(await page.$eval('meta[name=description]', (m) => m.getAttribute('content'))).toMatch(
      /^Partial outage: some services are down\. Live status, 90-day uptime and incident history of Public API, Worker, Docs, /,
    );
    await page.close();
  }, 60_000);

  it('feed.xml parses as Atom (Chromium’s XML parser), one entry per incident', async () => {
    const page = await open('fixture/index.html');
    const feedUrl = pathToFileURL(join(dir, 'fixture/feed.xml')).href;
    const text = await (await page.goto(feedUrl))!.text();
    const feed = await page.$eval(
      'html',
      (html, xml) => {
        const parser = new html.ownerDocument.defaultView!.DOMParser();
        const doc = parser.parseFromString(xml, 'application/xml');
        const ATOM = 'http://www.w3.org/2005/Atom';
        const error = doc.getElementsByTagName('parsererror')[0]?.textContent;
        const child = (el: typeof html, name: string) =>
          el.getElementsByTagNameNS(ATOM, name)[0]?.textContent;
        const entries = [...doc.getElementsByTagNameNS(ATOM, 'entry')];
        return {
          error,
          root: `${doc.documentElement.namespaceURI} ${doc.documentElement.localName}`,
          id: child(doc.documentElement, 'id'),
          updated: child(doc.documentElement, 'updated'),
          author: child(doc.documentElement, 'name'),
          entries: entries.map((e) => ({
            id: child(e, 'id'),
            title: child(e, 'title'),
            updated: child(e, 'updated'),
            link: e.getElementsByTagNameNS(ATOM, 'link')[0]?.getAttribute('href'),
            content: child(e, 'content'),
          })),
        };
      },
      text,
    );
    expect(feed.error).toBeUndefined();
    expect(feed.root).toBe('http://www.w3.org/2005/Atom feed');
    expect(feed.id).toBeTruthy();
    expect(feed.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(feed.author).toBe('Acme status');
    // The fixture's incidents: worker (ongoing, issue 12), evil's 10-minute outage, api's (issue 3).
    expect(feed.entries.map((e) => e.title)).toEqual([
      'Worker is down',
      `${HOSTILE_NAMES[0]} was down for 10m`,
      'Public API was down for 30m',
    ]);
    expect(new Set(feed.entries.map((e) => e.id)).size).toBe(3);
    for (const e of feed.entries) {
      expect(e.id).toMatch(/^tag:uptime-action,2026:incident\//);
      expect(e.updated).toBeTruthy();
    }
    expect(feed.entries[0].link).toBe('https://github.com/acme/ops/issues/12');
    expect(feed.entries[2].content).toContain('Ended 2026-11-27T12:30:00.000Z after 30m.');
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);

  it('renders the SVG badges, the hostile one included', async () => {
    for (const path of [
      'fixture/badges/api/status.svg',
      'fixture/badges/worker/uptime-7d.svg',
      'fixture/badges/evil2/status.svg',
    ]) {
      const page = await open(path);
      const box = await page.$eval('svg', (svg) => {
        const r = svg.getBoundingClientRect();
        return { width: r.width, height: r.height };
      });
      expect(box.width).toBeGreaterThan(0);
      expect(box.height).toBe(20);
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('the README screenshot comes from the command docs/screenshots.md shows', async () => {
    const doc = await readFile('docs/screenshots.md', 'utf8');
    const section = doc.slice(doc.indexOf('## `docs/img/status-page.png`'));
    const command = /```sh\n(npx tsx scripts\/status-page-shot\.ts)/.exec(section)?.[1];
    expect(command).toBe('npx tsx scripts/status-page-shot.ts');
    const out = join(dir, 'shot.png');
    const [bin, ...args] = command!.split(' ');
    await promisify(execFile)(bin, args, { env: { ...process.env, OUT: out, CHROME_PATH: CHROMIUM } });
    const png = await readFile(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect((await stat(out)).size).toBeGreaterThan(50_000);
  }, 90_000);
});

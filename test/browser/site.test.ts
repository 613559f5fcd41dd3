import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { renderSite } from '../../src/site/index.js';
import { CHROMIUM, chromiumDescribe } from '../helpers/chromium.js';
import { fixtureConfig, fixtureState, HOSTILE_NAMES, issueUrl, NOW } from '../site/fixture.js';

/**
 * The status page in a real browser: Debian's Chromium driven by puppeteer-core, the network off (every
 * request that is not a file is aborted and recorded), the page opened from disk.
 * Install the browser with `apt-get update && apt-get install -y chromium`.
 * The screenshot goes to docs/img/status-page.png when that file is missing or UPDATE_SCREENSHOTS=1 (so a
 * plain test run leaves the work tree clean), else to a temporary folder.
 */
const suite = chromiumDescribe();
const SCREENSHOT = resolve('docs/img/status-page.png');

suite('status page in Chromium (network off)', () => {
  let browser: Browser;
  let dir: string;
  const blocked: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uptime-site-'));
    const files = renderSite(fixtureConfig(), fixtureState(), { now: NOW, title: 'Acme status', issueUrl });
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
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
    await rm(dir, { recursive: true, force: true });
  });

  async function open(path: string, scheme: 'light' | 'dark' = 'light', width = 1000): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    // The page's CSP forbids every script; axe is injected by the test, so bypass it for the test only.
    await page.setBypassCSP(true);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().startsWith('file:')) void request.continue();
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

  async function seriousViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: resolve('node_modules/axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      type Rule = { id: string; impact: string; nodes: unknown[] };
      const axe = (
        globalThis as unknown as { axe: { run: () => Promise<{ violations: Rule[]; passes: Rule[] }> } }
      ).axe;
      const result = await axe.run();
      return {
        passes: result.passes.length,
        list: result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length })),
      };
    });
    // axe really ran its rules (colour contrast, landmarks, headings, SVG alternatives, ...).
    expect(violations.passes).toBeGreaterThan(10);
    return violations.list
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.count})`);
  }

  it('shows every service with its status, four uptime windows and a drawn chart', async () => {
    const page = await open('index.html');
    const cards = await page.$$eval('li.service', (items) =>
      items.map((li) => {
        const svg = li.querySelector('svg.chart');
        const box = svg?.getBoundingClientRect();
        return {
          id: li.getAttribute('data-service'),
          name: li.querySelector('h3')?.textContent,
          status: li.querySelector('.status-text')?.textContent,
          uptime: [...li.querySelectorAll('dd[data-window]')].map((dd) => dd.textContent),
          chartTitle: svg?.querySelector('title')?.textContent,
          chartSize: box ? box.width * box.height : 0,
          lines: svg?.querySelectorAll('polyline').length ?? 0,
        };
      }),
    );
    expect(cards.map((c) => [c.id, c.status])).toEqual([
      ['api', 'Operational'],
      ['worker', 'Down'],
      ['docs', 'Maintenance'],
      ['evil', 'Operational'],
      ['evil2', 'Operational'],
    ]);
    for (const card of cards) {
      expect(card.uptime).toHaveLength(4);
      for (const value of card.uptime) expect(value).toMatch(/^\d+(\.\d+)?%$/);
      expect(card.chartTitle).toContain('Response time of');
      expect(card.chartSize).toBeGreaterThan(1000);
      expect(card.lines).toBe(2);
    }
    // Hostile names are shown as the text they are; nothing ran.
    expect(cards.slice(3).map((c) => c.name)).toEqual(HOSTILE_NAMES);
    expect(await page.$$('img, script')).toHaveLength(0);
    expect(await page.$eval('.overall', (el) => el.textContent)).toBe(
      'Partial outage: some services are down',
    );
    expect(await page.$eval('a[href$="/issues/12"]', (a) => a.textContent)).toBe('issue #12');
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);

  it('has no serious or critical accessibility violations, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open('index.html', scheme);
      expect([scheme, await seriousViolations(page)]).toEqual([scheme, []]);
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('has the network off: a request from the page is aborted', async () => {
    const page = await open('index.html');
    const outcome = await page.evaluate(() =>
      fetch('http://127.0.0.1:9/probe').then(
        () => 'reached',
        () => 'blocked',
      ),
    );
    expect(outcome).toBe('blocked');
    expect(blocked.splice(0)).toEqual(['http://127.0.0.1:9/probe']);
    problems.splice(0); // Chromium logs the aborted fetch as a console error.
    await page.close();
  }, 60_000);

  it('fits a phone: no horizontal scrolling at 375 px', async () => {
    const page = await open('index.html', 'light', 375);
    const { scroll, client } = await page.$eval('html', (html) => ({
      scroll: html.scrollWidth,
      client: html.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
    expect(await page.$eval('meta[name=viewport]', (m) => m.getAttribute('content'))).toBe(
      'width=device-width, initial-scale=1',
    );
    await page.close();
  }, 60_000);

  it('renders the SVG badges, the hostile one included', async () => {
    for (const path of ['badges/api/status.svg', 'badges/worker/uptime-7d.svg', 'badges/evil2/status.svg']) {
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

  it('saves a screenshot of the page', async () => {
    const page = await open('index.html', 'light', 1000);
    const target =
      !existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1'
        ? SCREENSHOT
        : join(dir, 'status-page.png');
    await mkdir(dirname(target), { recursive: true });
    await page.screenshot({ path: target as `${string}.png`, fullPage: true });
    expect((await stat(target)).size).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);
});

/**
 * Re-makes docs/img/summary.png: the job summary of a real scheduled run (`runSweep`, the function the
 * Action calls) against two services on 127.0.0.1 — `web` healthy, `api` answering 503 until the `command`
 * provider "restarts" it — rendered from its Markdown by `marked` (GitHub-flavoured Markdown) and
 * screenshotted in Chromium through puppeteer-core. Loopback only.
 *
 *   npx tsx scripts/summary-shot.ts        (CHROME_PATH overrides /usr/bin/chromium)
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { marked } from 'marked';
import puppeteer from 'puppeteer-core';
import { parseConfig } from '../src/config/load.js';
import { runSweep } from '../src/run/sweep.js';
import type { EngineDeps } from '../src/engine/types.js';
import { probeService } from '../src/probe/probe.js';
import { providerFor } from '../src/providers/registry.js';
import { MemoryStateStore } from '../src/state/memory.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'uptime-summary-'));
const flag = join(dir, 'api-healthy');

/** `api` answers 503 until the restart command creates the flag file; `web` always 200. */
const server = createServer((req, res) => {
  const healthy = req.url === '/web/health' || (req.url === '/api/health' && existsSync(flag));
  res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(healthy ? 'ok' : 'unavailable');
});

await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as { port: number }).port;
try {
  const config = parseConfig(
    {
      mode: 'extreme',
      successThreshold: 1,
      services: {
        web: { name: 'Website', url: `http://127.0.0.1:${port}/web/health` },
        api: {
          name: 'Backend Node.js',
          url: `http://127.0.0.1:${port}/api/health`,
          recovery: { provider: 'command', restart: `touch ${flag}`, actions: ['restart'] },
        },
      },
    },
    'summary-shot',
  );
  const deps: EngineDeps = {
    config,
    provider: providerFor,
    providerContext: { env: process.env, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger },
    probe: (service, options) => probeService(service, options),
    clock: systemClock,
    logger: silentLogger,
  };
  const result = await runSweep({ deps, store: new MemoryStateStore(), watchMs: 0 });
  writeFileSync(join(root, 'docs/img/summary.md'), result.summary);
  const html = `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; background: #fff; }
    article { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji";
      color: #1f2328; padding: 24px 32px; width: 860px; }
    table { border-collapse: collapse; margin: 12px 0; }
    th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
    tr:nth-child(2n) { background: #f6f8fa; } th { font-weight: 600; }
    code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%; }
    h2, h3 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
  </style><article>${await marked.parse(result.summary, { gfm: true })}</article>`;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 924, height: 400, deviceScaleFactor: 2 });
    await page.setContent(html, { waitUntil: 'load' });
    await (await page.$('article'))!.screenshot({ path: join(root, 'docs/img/summary.png') });
  } finally {
    await browser.close();
  }
  console.log(`docs/img/summary.png written (status ${result.status}).`);
} finally {
  server.close();
}

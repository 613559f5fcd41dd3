#!/usr/bin/env node
// Re-makes the README's `watch` screenshot (docs/img/watch.png) from the real CLI in a real terminal
// (tmux); scripts/summary-shot.ts makes docs/img/summary.png. See docs/screenshots.md.
//
//   npm run bundle && node scripts/screenshots.mjs
//
// Needs tmux and Chromium (/usr/bin/chromium, or CHROME_PATH). Loopback only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer from 'puppeteer-core';

const root = resolve(import.meta.dirname, '..');
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const COLS = 110;
const ROWS = 16;

/** Two local services: `web` answers 200, `api` answers 503 (failing). */
async function serve(status, delayMs) {
  const server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'unavailable');
    }, delayMs);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/health` };
}

/** Runs `uptime-action watch` in a detached tmux pane and returns the pane's text with its colours. */
async function captureWatch(dir, seconds) {
  const session = `uptime-shot-${process.pid}`;
  const command = [
    'env FORCE_COLOR=1',
    `node ${join(root, 'dist/cli.js')} watch`,
    `--config ${join(dir, 'uptime.yml')} --state ${join(dir, 'state.json')} -d ${seconds + 30}s`,
  ].join(' ');
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', String(COLS), '-y', String(ROWS), command]);
  try {
    await sleep(seconds * 1000);
    return execFileSync('tmux', ['capture-pane', '-p', '-e', '-t', session], { encoding: 'utf8' });
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session]);
  }
}

const PALETTE = ['#000', '#c91b00', '#00c200', '#c7c400', '#2225c4', '#ca30c7', '#00c5c7', '#c7c7c7'];
const BRIGHT = ['#686868', '#ff6e67', '#5ffa68', '#fffc67', '#6871ff', '#ff77ff', '#60fdff', '#fff'];
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ESC = String.fromCharCode(27);
const SGR_SPLIT = new RegExp(`(${ESC}\\[[0-9;]*m)`);
const SGR = new RegExp(`^${ESC}\\[([0-9;]*)m$`);
const OTHER_ESCAPES = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');

/** The SGR colour codes tmux emits (16 colours, bold, dim, reset) as <span>s; other escapes dropped. */
function ansiToHtml(text) {
  let style = {};
  let html = '';
  const css = () =>
    [
      style.fg && `color:${style.fg}`,
      style.bold && 'font-weight:bold',
      style.dim && 'opacity:.7',
      style.bg && `background:${style.bg}`,
    ]
      .filter(Boolean)
      .join(';');
  for (const part of text.split(SGR_SPLIT)) {
    const sgr = SGR.exec(part);
    if (!sgr) {
      const clean = part.replace(OTHER_ESCAPES, '');
      if (clean) html += css() ? `<span style="${css()}">${esc(clean)}</span>` : esc(clean);
      continue;
    }
    const codes = sgr[1] === '' ? [0] : sgr[1].split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) style = {};
      else if (c === 1) style.bold = true;
      else if (c === 2) style.dim = true;
      else if (c === 22) style.bold = style.dim = false;
      else if (c >= 30 && c <= 37) style.fg = PALETTE[c - 30];
      else if (c >= 90 && c <= 97) style.fg = BRIGHT[c - 90];
      else if (c === 39) style.fg = undefined;
      else if (c >= 40 && c <= 47) style.bg = PALETTE[c - 40];
      else if (c === 49) style.bg = undefined;
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) i += 2; // 256 colours: not used by the CLI
    }
  }
  return html;
}

async function shoot(html, path, width) {
  const browser = await puppeteer.launch({ executablePath: chrome, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 200, deviceScaleFactor: 2 });
    await page.setContent(html, { waitUntil: 'load' });
    const box = await page.$('body > *');
    await box.screenshot({ path });
  } finally {
    await browser.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'uptime-shot-'));
const web = await serve(200, 40);
const api = await serve(503, 5);
try {
  writeFileSync(
    join(dir, 'uptime.yml'),
    [
      'mode: extreme',
      'services:',
      '  web:',
      '    name: Website',
      `    url: ${web.url}`,
      '  api:',
      '    name: API',
      `    url: ${api.url}`,
      '',
    ].join('\n'),
  );
  const pane = await captureWatch(dir, Number(process.env.SHOT_SECONDS ?? 40));
  writeFileSync(join(root, 'docs/img/watch.ansi.txt'), pane);
  const html = `<!doctype html><meta charset="utf-8"><style>
    body{margin:0;background:#fff}
    pre{display:inline-block;margin:0;padding:14px 18px;background:#1e1e1e;color:#e5e5e5;border-radius:8px;
        font:14px/1.35 "DejaVu Sans Mono","Liberation Mono","Noto Color Emoji",monospace;white-space:pre}
  </style><pre>${ansiToHtml(pane.replace(/\s+$/, ''))}</pre>`;
  await shoot(html, join(root, 'docs/img/watch.png'), 1100);
  console.log('wrote docs/img/watch.png (pane text in docs/img/watch.ansi.txt)');
} finally {
  web.server.close();
  api.server.close();
  rmSync(dir, { recursive: true, force: true });
}

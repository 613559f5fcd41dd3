import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { parse } from 'yaml';
import { manifestProblems } from '../../bot/manifest.js';
import { buildFresh, root, runProcess } from '../action/bundle.js';

/**
 * Registering the GitHub App as docs/github-app.md says: `npm run bot` with no APP_ID serves Probot's setup
 * page, whose "Register GitHub App" button posts app.yml as JSON to GitHub. Here the bot runs from the bundle
 * (dist/bot.js, built fresh), the page opens in real Chromium, and the button is clicked: GHE_HOST points
 * the form at a loopback "GitHub" that records what the browser posts.
 */

let dist: Awaited<ReturnType<typeof buildFresh>>;
let browser: Browser;
let github: Server;
let githubUrl: string;
const posted: string[] = [];
let onPost: (() => void) | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `node dist/bot.js` in `cwd` with no APP_ID; resolves with its URL once Probot listens. */
async function startSetupBot(
  cwd: string,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '' };
  for (const key of [
    'APP_ID',
    'PRIVATE_KEY',
    'PRIVATE_KEY_PATH',
    'WEBHOOK_SECRET',
    'WEBHOOK_PROXY_URL',
    'NODE_ENV',
  ])
    delete env[key];
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    // No smee.io channel (the network is loopback only) and the form posts to the loopback "GitHub".
    NO_SMEE_SETUP: 'true',
    GHE_HOST: new URL(githubUrl).host,
    GHE_PROTOCOL: 'http',
  });
  const child = spawn(process.execPath, [join(dist.dir, 'bot.js')], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('exit', (code) => reject(new Error(`the bot exited ${code}: ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

beforeAll(async () => {
  dist = await buildFresh();
  github = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/settings/apps/new') {
        posted.push(body);
        onPost?.();
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>registered</p>');
    });
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
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
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => github?.close(resolve));
  dist?.remove();
});

describe('npm run bot without APP_ID: the setup page registers the app from app.yml', () => {
  it('the bundled bot serves the page; Chromium posts valid JSON equal to app.yml', async () => {
    const bot = await startSetupBot(root);
    try {
      const page = await browser.newPage();
      await page.goto(`${bot.url}/probot`, { waitUntil: 'load' });
      // What the browser parsed out of the button's value attribute.
      const value = await page.$eval('#manifest', (button) => (button as unknown as { value: string }).value);
      const appYml = parse(readFileSync(join(root, 'app.yml'), 'utf8')) as Record<string, unknown>;
      const expected = {
        ...appYml,
        hook_attributes: { url: `${bot.url}/` },
        redirect_url: `${bot.url}/probot/setup`,
      };
      expect(JSON.parse(value)).toMatchObject(expected);

      // What the form really posts when the button is clicked (target=_blank: a new tab posts it).
      const arrived = new Promise<void>((resolve) => (onPost = resolve));
      await page.click('#manifest');
      await arrived;
      const manifest = new URLSearchParams(posted.at(-1)).get('manifest');
      expect(manifest).not.toBeNull();
      const sent = JSON.parse(manifest!) as Record<string, unknown>;
      expect(sent).toMatchObject(expected);
      for (const key of Object.keys(appYml)) expect(sent[key]).toEqual(appYml[key]);
      expect(bot.output()).toContain('Running Probot');
    } finally {
      bot.child.kill('SIGTERM');
    }
  }, 60_000);

  it('an app.yml with an apostrophe is refused before the page is served, naming the key and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uptime-app-yml-'));
    try {
      writeFileSync(
        join(dir, 'app.yml'),
        "name: acme-uptime\ndescription: Keeps the team's services up\ndefault_permissions:\n  issues: write\n",
      );
      const env: Record<string, string | undefined> = {
        ...process.env,
        NODE_OPTIONS: '',
        NO_SMEE_SETUP: 'true',
      };
      delete env.APP_ID;
      delete env.NODE_ENV;
      const { code, output } = await runProcess(process.execPath, [join(dist.dir, 'bot.js')], {
        env,
        cwd: dir,
      });
      expect(code).toBe(2);
      expect(output).toContain("app.yml: description contains ', which Probot's setup page cannot carry");
      expect(output).toContain('’');
      expect(output).not.toContain('Listening on');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('manifestProblems', () => {
  it('accepts the shipped app.yml', () => {
    expect(manifestProblems(readFileSync(join(root, 'app.yml'), 'utf8'))).toEqual([]);
  });

  it('names each string that would break the attribute, in values, lists and keys', () => {
    const problems = manifestProblems(
      [
        'name: ok',
        'url: "https://example.test/?a=1&b=2"',
        'default_events: [issue_comment, "it\'s"]',
        '"weird\'key": 1',
      ].join('\n'),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^app\.yml: url contains &/);
    expect(problems[1]).toMatch(/^app\.yml: default_events\[1\] contains '/);
    expect(problems[2]).toMatch(/^app\.yml: a key contains '/);
  });

  it('reports YAML that does not parse instead of throwing', () => {
    expect(manifestProblems('name: [unclosed')[0]).toMatch(/^app\.yml is not valid YAML/);
  });
});

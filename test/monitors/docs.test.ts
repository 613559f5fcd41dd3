import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '../../cli/main.js';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../cli/run.js';

/**
 * Docs are tests: every config block of docs/monitors.md and docs/platform-events.md is a valid config, and
 * every command they show runs here, read from the doc itself (`localhost:8787` becomes a free loopback port).
 */

const TOKEN = 'doc-test-token-0123456789abcdef';
const read = (path: string) => readFileSync(path, 'utf8');
const blocks = (doc: string, lang: string) =>
  [...read(doc).matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const commands = (doc: string) =>
  blocks(doc, 'sh')
    .flatMap((b) => b.split('\n'))
    .filter(Boolean);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-docs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `uptime-action watch --listen …` in-process until `stop()`; resolves once it listens. */
async function startWatch(args: string[], env: NodeJS.ProcessEnv) {
  const controller = new AbortController();
  const out: string[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (resolveUrl = resolve));
  const done = main([...args, '--duration', '60s', '--state', join(dir, 'state.json')], {
    out: (text) => {
      out.push(text);
      const url = /📡 Listening on (http:\/\/[^:]+:\d+)/.exec(text)?.[1];
      if (url) resolveUrl(url);
    },
    err: (text) => out.push(text),
    env: { PATH: process.env.PATH, ...env },
    signal: controller.signal,
  });
  const url = await Promise.race([listening, done.then(() => Promise.reject(new Error(out.join('\n'))))]);
  return {
    url,
    out,
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

/** Runs a doc's shell line against `url` (asynchronously: the server answering it runs in this process). */
async function sh(line: string, url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'bash',
    ['-c', line.replaceAll('http://localhost:8787', url)],
    {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    },
  );
  return stdout;
}

describe('docs/monitors.md', () => {
  const doc = 'docs/monitors.md';

  it('every config block is a valid config', () => {
    const yamls = blocks(doc, 'yaml');
    expect(yamls.length).toBeGreaterThanOrEqual(3);
    for (const yaml of yamls) {
      const config = writeConfig(yaml);
      expect(() => parseConfig(config.raw, 'doc', { NIGHTLY_PING_TOKEN: TOKEN })).not.toThrow();
    }
  });

  // Process spawns from the test runner take seconds on a busy 2-core machine: these tests get a minute.
  it('the heartbeat commands: watch --listen receives every ping the doc shows', async () => {
    const lines = commands(doc);
    const watchLine = lines.find((l) => l.startsWith('uptime-action watch --listen'))!;
    const config = writeConfig(blocks(doc, 'yaml')[0]);
    const args = watchLine.replace('uptime-action ', '').replace('8787', '127.0.0.1:0').split(' ');
    const running = await startWatch([...args, '--config', config.path], { NIGHTLY_PING_TOKEN: TOKEN });
    try {
      const pings = lines.filter((l) => l.startsWith('curl') && l.includes('/ping/'));
      expect(pings).toHaveLength(4);
      // One shell for the four lines (a process spawn from the test runner costs seconds on a busy machine).
      const all = await sh(pings.join(' && echo && '), running.url, { NIGHTLY_PING_TOKEN: TOKEN });
      expect(all.split('\n')).toEqual(['OK', 'OK', 'OK', 'OK']);
    } finally {
      await running.stop();
    }
    expect(running.out.join('\n')).not.toContain(TOKEN);
  }, 60_000);

  it('check says, in the doc’s words, that it cannot receive pings, and does not fail for it', async () => {
    const config = writeConfig(blocks(doc, 'yaml')[0]);
    const run = await runCli(['check', '--config', config.path], { env: { NIGHTLY_PING_TOKEN: TOKEN } });
    const words = 'check (and a scheduled Action run) cannot receive pings';
    expect(read(doc).replace(/\s+/g, ' ')).toContain(words.replace('check', '`check'.slice(1)));
    expect(run.stdout.replace(/`/g, '')).toContain(words);
    expect(run.code).toBe(0);
    const doctor = await runCli(['doctor', '--config', config.path], { env: { NIGHTLY_PING_TOKEN: TOKEN } });
    expect(doctor.stdout).toMatch(/heartbeat is served.*watch --listen/s);
  });
});

describe('docs/platform-events.md', () => {
  const doc = 'docs/platform-events.md';

  it('events-path prints the bot’s per-repository path', async () => {
    const line = commands(doc).find((l) => l.startsWith('uptime-action events-path'))!;
    const run = await runCli(line.replace('uptime-action ', '').split(' '), {
      env: { WEBHOOK_SECRET: 's3cret' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\/events\/acme\/api\/[A-Za-z0-9_-]{32}$/);
    const other = await runCli(['events-path', 'acme/web'], { env: { WEBHOOK_SECRET: 's3cret' } });
    expect(other.stdout.trim()).not.toBe(run.stdout.trim());
    expect((await runCli(['events-path', 'acme/api'], { env: {} })).code).toBe(2);
  });

  it('watch --listen with UPTIME_EVENTS_KEY accepts the doc’s Railway event and checks the service at once', async () => {
    const lines = commands(doc);
    const watchLine = lines.find((l) => l.includes('uptime-action watch --listen'))!;
    const keyCommand = /\$\((openssl rand -hex 16)\)/.exec(watchLine)![1];
    const key = execFileSync('bash', ['-c', keyCommand], { encoding: 'utf8' }).trim();
    const config = writeConfig(blocks('docs/monitors.md', 'yaml')[0]);
    const args = watchLine
      .replace(/^UPTIME_EVENTS_KEY=\$\([^)]*\) uptime-action /, '')
      .replace('8787', '127.0.0.1:0')
      .split(' ');
    const running = await startWatch([...args, '--config', config.path], {
      UPTIME_EVENTS_KEY: key,
      NIGHTLY_PING_TOKEN: TOKEN,
    });
    try {
      const curl = lines.find((l) => l.startsWith('curl') && l.includes('/events/'))!;
      // The doc's line with the right key, then with a wrong one (curl -f fails on the 404), in one shell.
      const both = `${curl}; echo; UPTIME_EVENTS_KEY=wrong-key-0000000000000000; ${curl} || echo "failed: $?"`;
      expect((await sh(both, running.url, { UPTIME_EVENTS_KEY: key })).trim().split('\n')).toEqual([
        'Accepted; checking 1 service(s) now.',
        'failed: 22',
      ]);
    } finally {
      await running.stop();
    }
    expect(running.out.join('\n')).not.toContain(key);
  }, 60_000);

  it('the Heroku line is the platform’s own CLI (it needs a Heroku account): checked for its flags only', () => {
    const line = commands(doc).find((l) => l.startsWith('heroku '))!;
    expect(line).toMatch(
      /^heroku webhooks:add --include api:dyno,api:release --level notify --url "\$EVENTS_URL" --app \S+$/,
    );
  });
});

function writeConfig(yaml: string): { path: string; raw: unknown } {
  const path = join(dir, `uptime-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yaml);
  return { path, raw: parseYaml(yaml) as unknown };
}

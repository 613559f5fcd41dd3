import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SITE_PLACEHOLDER_URL } from '../../src/config/site-config.js';
import { runCli, workspace } from '../cli/run.js';
import { fixtureState, HOSTILE_NAMES, NOW } from './fixture.js';

/**
 * `uptime-action site` as the Pages workflow runs it: the config's secrets are not in the job's environment
 * (no RAILWAY_TOKEN, no SLACK_WEBHOOK_URL), and the state comes from the state branch, possibly broken.
 */

/** A config whose health URLs, recovery and notify targets all come from secrets. */
const SECRET_CONFIG = `mode: extreme
slo: 99.5
statusPage: { title: "Acme status" }
notify:
  - { type: slack, url: "\${SLACK_WEBHOOK_URL}" }
  - { type: telegram, botToken: "\${TELEGRAM_BOT_TOKEN}", chatId: "42" }
services:
  api:
    name: Public API
    url: \${API_HEALTH_URL}
    recovery: { provider: railway, serviceId: "\${API_SERVICE_ID}" }
  worker:
    name: Worker
    url: https://worker.example.com/health?token=\${WORKER_TOKEN}
    recovery: { provider: webhook, url: "\${WORKER_HOOK}" }
  docs: { name: Docs, url: "https://docs.example.com/" }
  evil: { name: '${HOSTILE_NAMES[0]}', url: "\${EVIL_URL}" }
  evil2: { name: '${HOSTILE_NAMES[1]}', url: "\${EVIL_URL}" }
`;

/** Only what any job has: no secret at all. */
const BARE_ENV = { PATH: process.env.PATH };

let ws: Awaited<ReturnType<typeof workspace>>;
let out: string;
beforeEach(async () => {
  ws = await workspace(SECRET_CONFIG);
  out = join(ws.dir, '_site');
  await mkdir(dirname(ws.state), { recursive: true });
});
afterEach(async () => {
  await ws.cleanup();
});

const site = (extra: string[] = []) =>
  runCli(['site', '--config', ws.config, '--state', ws.state, '--out', out, ...extra], {
    env: BARE_ENV,
    now: () => NOW,
  });

describe('uptime-action site without the config secrets (the Pages job)', () => {
  it('renders the page with the right names and title although every ${VAR} of urls, recovery and notify is unset', async () => {
    await writeFile(ws.state, JSON.stringify(fixtureState()));
    // The whole config is refused in this environment, as a sweep would be...
    const check = await runCli(['check', '--config', ws.config], { env: BARE_ENV });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('${SLACK_WEBHOOK_URL}');
    // ...but the page needs none of it.
    const run = await site();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<title>Acme status</title>');
    for (const name of ['Public API', 'Worker', 'Docs']) expect(html).toContain(name);
    const status = JSON.parse(await readFile(join(out, 'status.json'), 'utf8'));
    expect(status.services.map((s: { id: string; name: string }) => [s.id, s.name])).toEqual([
      ['api', 'Public API'],
      ['worker', 'Worker'],
      ['docs', 'Docs'],
      ['evil', HOSTILE_NAMES[0]],
      ['evil2', HOSTILE_NAMES[1]],
    ]);
    expect(status.services.find((s: { id: string }) => s.id === 'worker').status).toBe('down');
    expect((await readdir(join(out, 'badges'))).sort()).toEqual(['api', 'docs', 'evil', 'evil2', 'worker']);
  });

  it('never writes a URL, a ${VAR} or the placeholder into any file of the page', async () => {
    await writeFile(ws.state, JSON.stringify(fixtureState()));
    expect((await site()).code).toBe(0);
    const all = await allText(out);
    for (const leak of ['example.com', 'token=', '${', 'SLACK', 'TELEGRAM', SITE_PLACEHOLDER_URL, '.invalid'])
      expect(all).not.toContain(leak);
  });

  it('shows a name with HTML in it as text: escaped in index.html, exact in status.json', async () => {
    await writeFile(ws.state, JSON.stringify(fixtureState()));
    const run = await site(['--title', '<b>Acme</b> & "co"']);
    expect(run.code).toBe(0);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&lt;script&gt;alert(');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;co&quot;</title>');
    const status = JSON.parse(await readFile(join(out, 'status.json'), 'utf8'));
    expect(status.title).toBe('<b>Acme</b> & "co"');
    expect(status.services.map((s: { name: string }) => s.name)).toContain(HOSTILE_NAMES[1]);
  });

  it('a bad name or title is still the usual config error, naming the key (exit 2)', async () => {
    await writeFile(ws.state, JSON.stringify(fixtureState()));
    await writeFile(
      ws.config,
      `statusPage: { title: "", tilte: x }\nservices:\n  api: { name: "", url: "\${API_URL}" }\n  "bad key!": { url: "\${X}" }\n`,
    );
    const run = await site();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/statusPage\.title/);
    expect(run.stderr).toMatch(/tilte/);
    expect(run.stderr).toMatch(/services\.api\.name/);
    expect(run.stderr).toMatch(/bad key!/);
    expect(run.stderr).not.toContain('API_URL');
    expect(existsSync(out)).toBe(false);
  });

  it('a ${VAR} in a name is still expanded, and named when unset', async () => {
    await writeFile(ws.state, JSON.stringify(fixtureState()));
    await writeFile(ws.config, 'services:\n  api: { name: "${API_NAME}", url: "${API_URL}" }\n');
    const unset = await site();
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/services\.api\.name: refers to \$\{API_NAME\}/);
    const set = await runCli(['site', '--config', ws.config, '--state', ws.state, '--out', out], {
      env: { ...BARE_ENV, API_NAME: 'Named API' },
      now: () => NOW,
    });
    expect(set.code).toBe(0);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('Named API');
  });
});

describe('uptime-action site with a missing or broken state: fails, writes no page', () => {
  it('no state file: exit 1, says which file and what to do', async () => {
    const run = await site();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`No state file at ${ws.state}`);
    expect(run.stderr).toMatch(/let the uptime workflow run once/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['truncated JSON', '{"version":1,"services":{"api":', /is not JSON \(/],
    ['an empty file', '', /is not JSON \(/],
    [
      'a JSON array',
      '[1,2]',
      /is not an uptime-action state \(state: reset \(expected object, got array\)\)/,
    ],
    ['another version', '{"version":7,"services":{}}', /is not an uptime-action state \(.*version 7/],
    ['an HTML error page', '<!DOCTYPE html><title>404</title>', /is not JSON \(/],
  ])('%s: exit 1, no page, nothing written beside the state', async (_, text, message) => {
    await writeFile(ws.state, text);
    const run = await site();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/no page was written/);
    expect(existsSync(out)).toBe(false);
    expect(await readdir(dirname(ws.state))).toEqual(['state.json']);
  });

  it('a state with one malformed part: the page shows the rest and the part is named', async () => {
    const state = fixtureState() as unknown as { pauses: unknown };
    state.pauses = 'nonsense';
    await writeFile(ws.state, JSON.stringify(state));
    const run = await site();
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/State file .*: state: pauses reset .*the page shows the rest/);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('Public API');
  });
});

async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
  return texts.join('\n');
}

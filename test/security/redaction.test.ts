import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/index.js';
import { FileIncidentLog } from '../../src/incidents/file.js';
import { createRedactor, displayUrl, excerpt, neutralize } from '../../src/util/redact.js';
import { makeRedactor } from '../../src/util/secrets.js';

/** The one redactor (issue 9): every form a secret can leave in, and text echoed from an endpoint. */

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('redactor', () => {
  const secret = 'p@ss w0rd/"\\$&.*+?';
  const redact = createRedactor({ env: { RAILWAY_TOKEN: secret } });

  it.each([
    ['as is', secret],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
  ])('hides a token %s', (_label, form) => {
    expect(redact(`before ${form} after`)).toBe('before *** after');
  });

  it('hides values the config expanded from ${VAR} and the webhook secretEnv value', () => {
    const env = { HEALTH_TOKEN: 'health-tok-42', HOOK_KEY: 'hook-key-77' };
    const config = parseConfigText(
      'services:\n  api:\n    url: "https://a.example/h?token=${HEALTH_TOKEN}"\n    recovery: { provider: webhook, url: "https://hooks.example/r", secretEnv: HOOK_KEY }\n',
      'x',
      env,
    );
    const scrub = createRedactor({ env, config });
    expect(scrub('GET https://a.example/h?token=health-tok-42 with hook-key-77')).toBe(
      'GET https://a.example/h?token=*** with ***',
    );
  });

  it('keeps the old makeRedactor contract for plain values', () => {
    expect(makeRedactor(['abcd1234'])('x abcd1234 y')).toBe('x *** y');
  });
});

describe('displayUrl', () => {
  it('drops credentials, query and fragment', () => {
    expect(displayUrl('https://admin:pw@api.example.com:8443/health?token=abc#x')).toBe(
      'https://api.example.com:8443/health',
    );
    expect(displayUrl('not a url')).toBe('(invalid URL)');
  });
});

describe('neutralize', () => {
  const hostile =
    '@someone [x](https://evil.example) ![i](https://evil.example/p.png) `code` <img src=x onerror=alert(1)> www.evil.example';
  const safe = neutralize(hostile);

  it('breaks mentions, links, images, autolinks, backticks and HTML', () => {
    expect(safe).not.toMatch(/(^|\s)@someone/);
    expect(safe).toContain('@\u200bsomeone');
    expect(safe).not.toMatch(/[^\\]\]\(/);
    expect(safe).not.toContain('https://');
    expect(safe).not.toContain('www.evil');
    expect(safe).not.toMatch(/(^|[^\\])`/);
    expect(safe).not.toContain('<img');
  });

  it('gives excerpts of at most 100 characters, redacted', () => {
    const long = `token=${'s3cr3t-value'} ${'z'.repeat(300)}`;
    const out = excerpt(long, makeRedactor(['s3cr3t-value']));
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toContain('token=***');
  });
});

describe('incident write points', () => {
  it('the file incident log writes no secret into incidents.md', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redact-'));
    dirs.push(dir);
    const redact = createRedactor({ env: { RENDER_API_KEY: 'rnd_abcdef123456' } });
    const log = new FileIncidentLog(join(dir, 'incidents.json'), () => 0, redact);
    const service = { id: 'api', name: 'API' } as Parameters<FileIncidentLog['open']>[0];
    const ref = await log.open(service, 'down', 'webhook said rnd_abcdef123456', 0);
    await log.comment(service, ref, `encoded ${Buffer.from('rnd_abcdef123456').toString('base64')}`);
    const text = await readFile(log.logPath, 'utf8');
    expect(text).not.toContain('rnd_abcdef123456');
    expect(text).not.toContain(Buffer.from('rnd_abcdef123456').toString('base64'));
    expect(text).toContain('webhook said ***');
  });
});

import { describe, expect, it } from '@jest/globals';
import { collectForensics } from '../../src/forensics/collect.js';
import { redactLogLine } from '../../src/util/redact.js';
import { MAX_LOG_BYTES, renderForensics } from '../../src/forensics/render.js';
import type { Forensics } from '../../src/forensics/types.js';
import type { Provider, ProviderContext } from '../../src/providers/types.js';
import { virtualClock } from '../helpers/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { parseConfig } from '../../src/config/load.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const base: Forensics = {
  service: 'api',
  outageStart: T,
  notes: [],
  latest: { id: 'dep-2', status: 'SUCCESS', createdAt: new Date(T - 7 * 60_000).toISOString() },
};
const render = (f: Forensics) => renderForensics(f, { rollbackWindowMs: 30 * 60_000 });

describe('forensics rendering', () => {
  it('says the outage began N minutes after the deploy, within rollbackWindow, in a collapsed section', () => {
    const text = render(base);
    expect(text.startsWith('<details><summary>Forensics: the outage began 7m after a deploy</summary>')).toBe(
      true,
    );
    expect(text).toContain('**This outage began 7m after deploy `dep-2`** (within rollbackWindow, 30m)');
    expect(text.endsWith('</details>')).toBe(true);
  });

  it('redacts bearer tokens, JWTs, URL passwords and keys in log lines', () => {
    const lines = [
      'Authorization: Bearer abcdefgh12345678',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz',
      'redis://default:p4ssw0rd@cache:6379',
      'token=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      '{"password": "hunter22"}',
      'AKIAABCDEFGHIJKLMNOP in use',
    ];
    const out = lines.map((line) => redactLogLine(line)).join('\n');
    for (const secret of [
      'abcdefgh12345678',
      'c2lnbmF0dXJlMTIz',
      'p4ssw0rd',
      'ghp_abc',
      'hunter22',
      'AKIAABCDEFGHIJKLMNOP',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('redis://default:***@cache:6379');
    expect(redactLogLine('GET /health 200 12ms')).toBe('GET /health 200 12ms');
  });

  it('applies the shared redactor too, and no log line can close the fence or inject HTML outside it', () => {
    const text = renderForensics(
      {
        ...base,
        logs: [
          { message: 'the value SECRETVALUE leaked' },
          { message: '```\n</details>\n@octocat [x](https://evil)' },
        ],
      },
      { rollbackWindowMs: 1_800_000, redact: (t) => t.replaceAll('SECRETVALUE', '***') },
    );
    expect(text).not.toContain('SECRETVALUE');
    const fence = text.match(/^(`{4,})text$/m);
    expect(fence).not.toBeNull();
    // The block's own fence is longer than the backticks inside; the line break inside a message is flattened.
    expect(text.match(new RegExp(`^${fence![1]}$`, 'm'))).not.toBeNull();
    expect(text.split('</details>')).toHaveLength(2);
  });

  it('bounds the log to 60 lines and 8 KB, keeping the newest, and says how many were left out', () => {
    const logs = Array.from({ length: 500 }, (_, i) => ({ message: `line ${i} ${'x'.repeat(180)}` }));
    const text = render({ ...base, logs });
    const block = text.split('```text\n')[1].split('\n```')[0];
    expect(Buffer.byteLength(block)).toBeLessThanOrEqual(MAX_LOG_BYTES);
    expect(block.split('\n').length).toBeLessThanOrEqual(60);
    expect(block).toContain('line 499');
    expect(text).toMatch(/\(\d+ older left out\)/);
  });

  it('shows a predictive restart’s response-time trend', () => {
    expect(render({ ...base, trend: [120, 340, 900] })).toContain('120 ms → 340 ms → 900 ms');
  });
});

describe('collectForensics', () => {
  const service = parseConfig(
    {
      services: {
        api: { url: 'https://api.example.com/health', recovery: { provider: 'command', restart: 'true' } },
      },
    },
    'test',
  ).services.api;
  const ctx: ProviderContext = {
    env: {},
    fetch: globalThis.fetch,
    clock: virtualClock(T),
    logger: silentLogger,
  };
  const options = { outageStart: T, detectedAt: T };

  it('says once, plainly, what a platform cannot give, and never throws', async () => {
    const none: Provider = {
      type: 'railway',
      restart: async () => ({ ok: true, detail: '' }),
      redeploy: async () => ({ ok: true, detail: '' }),
    };
    expect((await collectForensics(none, service, ctx, options)).notes).toEqual([
      'Railway cannot give deployments or logs: the provider keeps no deployment history.',
    ]);
    const failingLogs: Provider = {
      ...none,
      deployments: async () => ({ latest: base.latest }),
      logs: async () => {
        throw new Error('HTTP 403: token lacks logs scope\nstack…');
      },
    };
    const f = await collectForensics(failingLogs, service, ctx, options);
    expect(f.latest?.id).toBe('dep-2');
    expect(f.notes).toEqual(['Railway cannot give logs: HTTP 403: token lacks logs scope']);
  });

  it('gives up on a platform that does not answer within the budget', async () => {
    const hangs: Provider = {
      type: 'render',
      restart: async () => ({ ok: true, detail: '' }),
      redeploy: async () => ({ ok: true, detail: '' }),
      deployments: () => new Promise(() => {}),
    };
    const f = await collectForensics(hangs, service, ctx, { ...options, budgetMs: 20 });
    expect(f.notes).toEqual(['Render cannot give deployments: no answer within the 20ms forensics budget']);
  });
});

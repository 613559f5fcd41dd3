import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DISCORD_LIMITS, sendNotifications } from '../../src/notify/index.js';
import { notifySchema, type NotifyTarget } from '../../src/config/notify.js';
import { startReceiver, type Receiver } from './receiver.js';
import type { NotificationEvent } from '../../src/state/types.js';

const HOSTILE =
  '<script>alert(1)</script> "><img src=x onerror=alert(1)> @everyone <!channel> [click](https://evil.example) *bold* _x_ & \u202e\r\nInjected: header';
const at = Date.UTC(2026, 10, 30, 12, 0, 0);
const event = (over: Partial<NotificationEvent> = {}): NotificationEvent => ({
  id: 'api:down:#7',
  service: 'api',
  serviceName: 'Public API',
  transition: 'down',
  at,
  reason: `HTTP 503 ${HOSTILE}`,
  incident: { number: 7, url: 'https://github.com/acme/ops/issues/7' },
  ...over,
});

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());
beforeEach(() => {
  rx.requests = [];
  rx.answer = (_req, res) => res.end('ok');
});

async function sendOne(target: Record<string, unknown>, ev = event(), env: NodeJS.ProcessEnv = {}) {
  const targets = notifySchema.parse([target]) as NotifyTarget[];
  const result = await sendNotifications(targets, [ev], { env, timeoutMs: 5000 });
  expect(result.failures).toEqual([]);
  expect(rx.requests).toHaveLength(1);
  return rx.requests[0];
}

describe('payload per target, against a loopback receiver', () => {
  it('Slack: Block Kit header and mrkdwn section, hostile text escaped, a fallback text', async () => {
    const req = await sendOne({ type: 'slack', url: `${rx.origin}/services/T000/B000/XXXXXXXXXXXXXXXXXXXX` });
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body);
    expect(body.text).toBe('🔴 Public API is down');
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 Public API is down', emoji: true },
    });
    const section = body.blocks[1].text;
    expect(section.type).toBe('mrkdwn');
    expect(section.text.length).toBeLessThanOrEqual(3000);
    expect(section.text).toContain('&lt;script&gt;');
    expect(section.text).toContain('&lt;!channel&gt;');
    expect(section.text).not.toMatch(/[<>]/);
    expect(section.text).not.toMatch(/[\r\n\u202e]Injected/);
    expect(body.blocks[2].elements[0].text).toBe('<https://github.com/acme/ops/issues/7|Open the incident>');
  });

  it('Discord: one embed within every limit even for huge hostile input; mentions disabled', async () => {
    const huge = event({ serviceName: 'N'.repeat(10_000), reason: `${HOSTILE} ${'x'.repeat(20_000)}` });
    const req = await sendOne(
      { type: 'discord', url: `${rx.origin}/api/webhooks/1/tok`, username: 'uptime' },
      huge,
    );
    const body = JSON.parse(req.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.username).toBe('uptime');
    const [embed] = body.embeds;
    expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of embed.fields) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
    const total =
      embed.title.length +
      (embed.description ?? '').length +
      embed.footer.text.length +
      embed.fields.reduce(
        (n: number, f: { name: string; value: string }) => n + f.name.length + f.value.length,
        0,
      );
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    const reason = embed.fields.find((f: { name: string }) => f.name === 'Reason').value;
    expect(reason).not.toContain('@everyone');
    // The link is text, and its URL defused: Discord autolinks a URL even with backslashes inside.
    expect(reason).toContain('\\[click\\]\\(https\\[\\:\\]//evil\\.example\\)');
    expect(embed.color).toBe(0xcf222e);
  });

  it('Teams: a Workflows message carrying an Adaptive Card with facts and a link', async () => {
    const req = await sendOne({ type: 'teams', url: `${rx.origin}/workflows/abc` });
    const body = JSON.parse(req.body);
    expect(body.type).toBe('message');
    const [attachment] = body.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', weight: 'Bolder', wrap: true });
    const facts = card.body[1].facts as Array<{ title: string; value: string }>;
    expect(facts.map((f) => f.title)).toEqual(['Service', 'Reason', 'At', 'Incident']);
    expect(facts[1].value).not.toContain('[click](');
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open the incident', url: 'https://github.com/acme/ops/issues/7' },
    ]);
  });

  it('Telegram: sendMessage through TELEGRAM_API_URL in HTML mode, every < > & of the text escaped', async () => {
    const req = await sendOne(
      { type: 'telegram', botToken: '123456:ABC-def_ghi', chatId: '-100123' },
      event(),
      {
        TELEGRAM_API_URL: `${rx.origin}/`,
      },
    );
    expect(req.path).toBe('/bot123456:ABC-def_ghi/sendMessage');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ chat_id: '-100123', parse_mode: 'HTML' });
    expect(body.text.length).toBeLessThanOrEqual(4096);
    // Only our own tags remain: <b> and the link.
    const tags = [...body.text.matchAll(/<\/?([a-z]+)[^>]*>/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['b', 'a']));
    expect(body.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body.text).toContain('&amp;');
  });

  it('ntfy: POST to the topic with Title, Priority, Tags, Click; a non-ASCII title RFC 2047 encoded', async () => {
    const req = await sendOne({ type: 'ntfy', url: `${rx.origin}/acme-alerts`, token: 'tk_secretsecret' });
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/acme-alerts');
    expect(req.headers.priority).toBe('5');
    expect(req.headers.tags).toBe('rotating_light');
    expect(req.headers.click).toBe('https://github.com/acme/ops/issues/7');
    expect(req.headers.authorization).toBe('Bearer tk_secretsecret');
    const m = /^=\?UTF-8\?B\?(.+)\?=$/.exec(String(req.headers.title));
    expect(Buffer.from(m![1], 'base64').toString('utf8')).toBe('🔴 Public API is down');
    expect(req.body).toContain('Reason: HTTP 503');
    expect(req.headers['injected']).toBeUndefined();
  });

  it('webhook: the event as JSON, signed with HMAC-SHA256 of the exact body when a secret is set', async () => {
    const req = await sendOne({ type: 'webhook', url: `${rx.origin}/hook`, secret: 's3cret-value' });
    const expected = `sha256=${createHmac('sha256', 's3cret-value').update(req.body).digest('hex')}`;
    expect(req.headers['x-uptime-signature']).toBe(expected);
    expect(req.headers['x-uptime-event']).toBe('down');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      version: 1,
      id: 'api:down:#7',
      transition: 'down',
      service: 'api',
      incident: { number: 7 },
    });
    expect(body.reason).not.toMatch(/[\r\n\u202e]/);
    rx.requests = [];
    const unsigned = await sendOne({ type: 'webhook', url: `${rx.origin}/hook` });
    expect(unsigned.headers['x-uptime-signature']).toBeUndefined();
  });

  it('`on` narrows the transitions a target gets', async () => {
    const targets = notifySchema.parse([
      { type: 'webhook', url: `${rx.origin}/a`, on: ['resolved'] },
    ]) as NotifyTarget[];
    const result = await sendNotifications(targets, [event()], {});
    expect(result).toEqual({ sent: 0, failures: [] });
    expect(rx.requests).toHaveLength(0);
  });
});

describe('notify schema', () => {
  it('names the key and the fix for a bad target', () => {
    const bad = notifySchema.safeParse([
      { type: 'pager', url: 'https://x' },
      { type: 'telegram', botToken: 'nope', chatId: '1' },
    ]);
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages.join('\n')).toMatch(
      /^0\.type: type must be one of slack, discord, teams, telegram, ntfy, webhook/m,
    );
    expect(messages.join('\n')).toMatch(/1\.botToken: must look like 123456:ABC-DEF/);
  });
});

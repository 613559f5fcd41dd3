import { createHmac } from 'node:crypto';
import type { NotifyTarget } from '../config/notify.js';
import {
  discordMarkdown,
  headerValue,
  MAX_NAME,
  MAX_REASON,
  plainText,
  slackMrkdwn,
  teamsMarkdown,
  telegramHtml,
} from '../util/escape.js';
import { clamp, eventFacts, eventLink, eventTitle } from './text.js';
import type { NotificationEvent } from '../state/types.js';

export { headerValue };

/** One HTTP request to send. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Discord's documented embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
};

const COLORS: Record<NotificationEvent['transition'], number> = {
  down: 0xcf222e,
  degraded: 0xbf8700,
  escalated: 0x8250df,
  resolved: 0x1a7f37,
  burn: 0xbc4c00,
  test: 0x0969da,
};

const json = (url: string, body: unknown, headers: Record<string, string> = {}): OutgoingRequest => ({
  url,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Slack incoming webhook with Block Kit blocks (header ≤150, section text ≤3000) and a `text` fallback. */
export function slackPayload(target: { url: string }, event: NotificationEvent): OutgoingRequest {
  const title = eventTitle(event);
  const facts = eventFacts(event).map(([k, v]) => `*${k}:* ${slackMrkdwn(v)}`);
  const link = eventLink(event);
  const blocks: unknown[] = [
    // plain_text shows text as it is: no escape (one would show up as a literal `&amp;`).
    { type: 'header', text: { type: 'plain_text', text: clamp(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clamp(facts.join('\n'), 3000) } },
  ];
  if (link)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Open the incident>` }] });
  return json(target.url, { text: slackMrkdwn(clamp(title, 3000)), blocks });
}

/** Discord webhook with one embed inside Discord's limits; mentions disabled (`allowed_mentions`). */
export function discordPayload(
  target: { url: string; username?: string },
  event: NotificationEvent,
): OutgoingRequest {
  // Escaped after shortening, so no escape is cut in half; the limit leaves room for the backslashes.
  const title = clamp(
    discordMarkdown(clamp(eventTitle(event), DISCORD_LIMITS.title / 2)),
    DISCORD_LIMITS.title,
  );
  const fields = eventFacts(event)
    .slice(0, DISCORD_LIMITS.fields)
    .map(([name, value]) => ({
      name: clamp(name, DISCORD_LIMITS.fieldName),
      value: clamp(discordMarkdown(clamp(value, DISCORD_LIMITS.fieldValue / 2)), DISCORD_LIMITS.fieldValue),
      inline: name !== 'Reason',
    }));
  const footer = 'uptime-action';
  let description = '';
  const link = eventLink(event);
  if (link) description = `[Open the incident](${link})`;
  const used = title.length + footer.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  description = clamp(
    description,
    Math.min(DISCORD_LIMITS.description, Math.max(0, DISCORD_LIMITS.total - used)),
  );
  const embed: Record<string, unknown> = {
    title,
    color: COLORS[event.transition],
    timestamp: new Date(event.at).toISOString(),
    fields,
    footer: { text: footer },
  };
  if (description) embed.description = description;
  const body: Record<string, unknown> = { embeds: [embed], allowed_mentions: { parse: [] } };
  if (target.username) body.username = target.username;
  return json(target.url, body);
}

/** Microsoft Teams Workflows webhook ("Post to a channel when a webhook request is received"): an Adaptive Card 1.4. */
export function teamsPayload(target: { url: string }, event: NotificationEvent): OutgoingRequest {
  const link = eventLink(event);
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: teamsMarkdown(eventTitle(event)),
        weight: 'Bolder',
        size: 'Medium',
        wrap: true,
      },
      {
        type: 'FactSet',
        facts: eventFacts(event).map(([title, value]) => ({ title, value: teamsMarkdown(value) })),
      },
    ],
  };
  if (link) card.actions = [{ type: 'Action.OpenUrl', title: 'Open the incident', url: link }];
  return json(target.url, {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  });
}

/** Telegram Bot API base URL; `TELEGRAM_API_URL` overrides it (tests, a local Bot API server). */
export function telegramApiBase(env: NodeJS.ProcessEnv): string {
  return (env.TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, '');
}

/** Telegram `sendMessage` in HTML parse mode: every `<`, `>`, `&` of the text escaped; ≤4096 characters. */
export function telegramPayload(
  target: { botToken: string; chatId: string | number },
  event: NotificationEvent,
  env: NodeJS.ProcessEnv,
): OutgoingRequest {
  const lines = [`<b>${telegramHtml(eventTitle(event))}</b>`];
  for (const [k, v] of eventFacts(event)) lines.push(`<b>${k}:</b> ${telegramHtml(v)}`);
  const link = eventLink(event);
  if (link) lines.push(`<a href="${telegramHtml(link)}">Open the incident</a>`);
  // Clamp whole lines so a cut never leaves a half tag.
  let text = '';
  for (const line of lines) if (text.length + line.length + 1 <= 4096) text += (text ? '\n' : '') + line;
  return json(`${telegramApiBase(env)}/bot${target.botToken}/sendMessage`, {
    chat_id: target.chatId,
    text,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
}

const NTFY_PRIORITY: Record<NotificationEvent['transition'], string> = {
  down: '5',
  escalated: '5',
  degraded: '4',
  resolved: '3',
  burn: '4',
  test: '3',
};
const NTFY_TAGS: Record<NotificationEvent['transition'], string> = {
  down: 'rotating_light',
  escalated: 'sos',
  degraded: 'warning',
  resolved: 'white_check_mark',
  burn: 'fire',
  test: 'bell',
};

/** ntfy: POST the message to the topic URL with Title, Priority, Tags (and Click) headers. */
export function ntfyPayload(
  target: { url: string; token?: string },
  event: NotificationEvent,
): OutgoingRequest {
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    // RFC 2047 encoded words of at most 75 characters each (src/util/escape.ts `headerValue`).
    Title: headerValue(eventTitle(event)),
    Priority: NTFY_PRIORITY[event.transition],
    Tags: NTFY_TAGS[event.transition],
    Markdown: 'no',
  };
  const link = eventLink(event);
  if (link) headers.Click = link;
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  const body = eventFacts(event)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return { url: target.url, headers, body: clamp(body, 4000) };
}

/** The signature header value: `sha256=` and the hex HMAC-SHA256 of the exact body bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Generic webhook: the event as JSON; `X-Uptime-Signature` when a secret is set. */
export function webhookPayload(
  target: { url: string; secret?: string },
  event: NotificationEvent,
): OutgoingRequest {
  const body = JSON.stringify({
    version: 1,
    id: event.id,
    transition: event.transition,
    service: event.service,
    serviceName: plainText(event.serviceName, MAX_NAME),
    at: new Date(event.at).toISOString(),
    reason: plainText(event.reason, MAX_REASON),
    incident: event.incident ?? null,
    durationMs: event.durationMs ?? null,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'X-Uptime-Event': event.transition,
    'X-Uptime-Delivery': headerValue(event.id),
  };
  if (target.secret) headers['X-Uptime-Signature'] = signBody(target.secret, body);
  return { url: target.url, headers, body };
}

/** The request for one target and event. */
export function buildRequest(
  target: NotifyTarget,
  event: NotificationEvent,
  env: NodeJS.ProcessEnv,
): OutgoingRequest {
  switch (target.type) {
    case 'slack':
      return slackPayload(target, event);
    case 'discord':
      return discordPayload(target, event);
    case 'teams':
      return teamsPayload(target, event);
    case 'telegram':
      return telegramPayload(target, event, env);
    case 'ntfy':
      return ntfyPayload(target, event);
    case 'webhook':
      return webhookPayload(target, event);
  }
}

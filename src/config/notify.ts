import * as z from 'zod/mini';

/**
 * The `notify:` and `statusPage:` config keys (docs/configuration.md). `${VAR}` in any string is
 * expanded by the config loader before this schema runs (src/config/load.ts `expandEnv`), so a webhook URL or
 * bot token comes from a secret: `url: "${SLACK_WEBHOOK_URL}"`. The config schema adds
 * `notify: z.optional(notifySchema)` and `statusPage: z.optional(statusPageSchema)`.
 */

/** Transitions that notify. `test` is only sent by `uptime-action notify --test`. */
export const TRANSITIONS = ['down', 'degraded', 'escalated', 'resolved', 'burn'] as const;
export type Transition = (typeof TRANSITIONS)[number];

export const NOTIFY_TYPES = ['slack', 'discord', 'teams', 'telegram', 'ntfy', 'webhook'] as const;

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be a full http(s) URL (write "${VAR}" to read it from a secret).',
});
const common = {
  /** Only these transitions (default: all four). */
  on: z.optional(
    z
      .array(z.enum(TRANSITIONS, { error: `must be one of ${TRANSITIONS.join(', ')}.` }))
      .check(z.minLength(1)),
  ),
  /** A name for messages and errors (default: the type and its position). Never the URL: it is a secret. */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(60))),
};

const slack = z.strictObject({ type: z.literal('slack'), url: httpUrl, ...common });
const discord = z.strictObject({
  type: z.literal('discord'),
  url: httpUrl,
  /** Overrides the webhook's display name. */
  username: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
  ...common,
});
const teams = z.strictObject({ type: z.literal('teams'), url: httpUrl, ...common });
const telegram = z.strictObject({
  type: z.literal('telegram'),
  botToken: z
    .string()
    .check(z.regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (the token @BotFather gave).')),
  chatId: z.union([
    z.string().check(z.regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/, 'must be a numeric chat id or @channelname.')),
    z.number().check(z.int()),
  ]),
  ...common,
});
const ntfy = z.strictObject({
  type: z.literal('ntfy'),
  /** The topic URL, e.g. https://ntfy.sh/acme-alerts. */
  url: httpUrl,
  /** Access token for a protected topic (sent as `Authorization: Bearer`). */
  token: z.optional(z.string().check(z.minLength(1))),
  ...common,
});
const webhook = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** Signs the body: `X-Uptime-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret: z.optional(z.string().check(z.minLength(8, 'must be at least 8 characters.'))),
  ...common,
});

/** One notification target. */
export const notifyTargetSchema = z.discriminatedUnion(
  'type',
  [slack, discord, teams, telegram, ntfy, webhook],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `type must be one of ${NOTIFY_TYPES.join(', ')}.` : undefined,
  },
);
export type NotifyTarget = z.output<typeof notifyTargetSchema>;

/** `notify:`: a list of targets; each gets every transition unless `on` narrows it. */
export const notifySchema = z.array(notifyTargetSchema);

/** `statusPage:`. */
export const statusPageSchema = z.strictObject({
  /** Page title. @default "Status" */
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(120))),
  /** Where the page is published (for badges and links), e.g. https://acme.github.io/status. */
  url: z.optional(httpUrl),
  /**
   * Also keep the rendered site under `site/` on the state branch (rewritten at most hourly, when it changed):
   * for badges served from raw.githubusercontent.com without Pages. Costs up to 24 commits a day, 3 GitHub
   * writes each (~72). Off by default: the Pages workflow renders the page itself from `state.json`, for 0.
   * @default false
   */
  branch: z.optional(z.boolean({ error: 'must be true or false.' })),
});
export type StatusPageConfig = z.output<typeof statusPageSchema>;

/** The secrets inside targets (URLs carry tokens too): for the redactor. */
export function targetSecrets(targets: NotifyTarget[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    if ('url' in t) out.push(t.url, ...urlSecrets(t.url));
    if (t.type === 'telegram') out.push(t.botToken);
    if (t.type === 'ntfy' && t.token) out.push(t.token);
    if (t.type === 'webhook' && t.secret) out.push(t.secret);
  }
  return out.filter((s) => s.length >= 4);
}

/** Path segments and query values long enough to be tokens (Slack's and Discord's URLs are the secret). */
function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    const parts = [...u.pathname.split('/'), ...u.searchParams.values()];
    if (u.password) parts.push(u.password);
    return parts.filter((p) => p.length >= 16);
  } catch {
    return [];
  }
}

/** A label for messages: `slack "ops"` or `discord #2`. */
export function targetLabel(target: NotifyTarget, index: number): string {
  return target.name ? `${target.type} "${target.name}"` : `${target.type} #${index + 1}`;
}

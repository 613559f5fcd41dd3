/**
 * One escape per destination, for text that leaves the product: a service's name from the config, a failure
 * reason, an endpoint's answer. Each exit (incident issues and comments, the job summary, `incidents.md`, the
 * chat payloads, the webhook JSON, the status page) calls the function of its destination, after
 * {@link oneLine} and {@link shorten}. Emoji survive every escape: zero-width joiners (U+200D) and variation
 * selectors are kept, and shortening cuts between graphemes, never inside one.
 */

// Control characters, zero-width space/non-joiner, direction marks, bidi embeddings/overrides and isolates.
// U+200D (zero-width joiner) is NOT here: it holds emoji sequences like 👩‍👩‍👧 together.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** One line: control and bidi characters become spaces, runs of whitespace one space, trimmed. */
export function oneLine(text: unknown): string {
  return String(text ?? '')
    .replace(INVISIBLE, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** At most `max` graphemes (what a reader counts as characters), ending with `…` when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const graphemes = Array.from(segmenter.segment(text), (s) => s.segment);
  if (graphemes.length <= max) return text;
  return `${graphemes
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** {@link oneLine} then {@link shorten}: the plain text every destination starts from. */
export function plainText(text: unknown, max: number): string {
  return shorten(oneLine(text), max);
}

/** Longest service name any exit shows (characters); chat titles and badges use less. */
export const MAX_NAME = 100;
/** Longest reason or endpoint answer any exit shows. */
export const MAX_REASON = 500;

const ZWSP = '\u200b';

/** Breaks what chat and GitHub turn into a link: `https://` → `https[:]//`, `www.` → `www[.]`. */
function defuseUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//').replace(/\bwww\./gi, 'www[.]');
}

/**
 * GitHub-flavoured Markdown, inline (issue bodies and comments, the job summary, `incidents.md`, table
 * cells). Escapes only what would act, so an ordinary name reads the same in the raw file: HTML (`<`, `>`),
 * links and images (`[`, `]`), emphasis and code (`*`, `_` at a word's edge, `~`, `` ` ``), math (`$`),
 * table cells (`|`), entities (`&amp;`), a block marker at the start (`#`, `-`, `+`, `=`, `1.`), a backslash
 * before punctuation. `@name` and `@org/team` are broken with a zero-width space so nobody is pinged, and
 * `#1`, `GH-2`, `owner/repo#3` kept from linking (GitHub links references in the rendered text, where a
 * backslash no longer is); URLs are defused. One line; shorten before, not after.
 */
export function gitHubMarkdown(text: unknown): string {
  return defuseUrls(oneLine(text))
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/[`*~[\]<>|$]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|&(?=#?\w+;)/gu, '\\$&')
    .replace(/^([#+\-=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWSP}`)
    .replace(/#(?=[\p{L}\p{N}])/gu, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP}-`);
}

/**
 * Text shown inside a fenced code block on GitHub (command or provider output): multi-line and nearly as is,
 * never able to close the fence (returns a fence longer than any backtick run in it). GitHub renders nothing
 * inside, but the text also travels (copied, quoted, sent on): `@` is still broken and URLs defused.
 */
export function gitHubFence(text: string): { fence: string; body: string } {
  const body = defuseUrls(String(text).replace(/\r\n?/g, '\n'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWSP}`);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  return { fence: '`'.repeat(Math.max(3, longest + 1)), body };
}

/**
 * Slack mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping): Slack decodes only `&amp;`,
 * `&lt;`, `&gt;`, so exactly those three; `<`-links, `<!channel>` and `<@U123>` become text. Formatting
 * characters are left (Slack has no escape for them; they only format in pairs at word edges, which the
 * zero-width-free text of a name rarely forms; mentions need the `<…>` form, escaped here).
 */
export function slackMrkdwn(text: unknown): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Discord markdown (titles, field values, descriptions): every markdown character backslash-escaped,
 * `@everyone`/`@here` broken, URLs defused (Discord autolinks a URL even with backslashes inside).
 * Mentions are off in the payload too (`allowed_mentions`).
 */
export function discordMarkdown(text: unknown): string {
  return defuseUrls(oneLine(text))
    .replace(/[\\`*_~|[\]()<>#+\-=.!{}:]/g, '\\$&')
    .replace(/@/g, `@${ZWSP}`);
}

/**
 * Microsoft Teams Adaptive Card TextBlock/FactSet text: its Markdown subset (bold, italic, lists, links)
 * backslash-escaped, URLs defused, `@` broken. Cards ping nobody without an `msteams.entities` mention.
 */
export function teamsMarkdown(text: unknown): string {
  return defuseUrls(oneLine(text))
    .replace(/[\\`*_~[\]()<>#+\-.!{}]/g, '\\$&')
    .replace(/@/g, `@${ZWSP}`);
}

/**
 * Telegram `parse_mode: HTML` text (https://core.telegram.org/bots/api#html-style): `&`, `<`, `>` as
 * entities, which is all Telegram requires; `"` too for the inside of an `href`.
 */
export function telegramHtml(text: unknown): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Longest RFC 2047 encoded word, `=?UTF-8?B?…?=` included (RFC 2047 section 2). */
export const ENCODED_WORD_MAX = 75;
// 75 − "=?UTF-8?B?" (10) − "?=" (2) = 63 base64 characters → at most 45 bytes per word (a multiple of 3).
const WORD_BYTES = 45;

/**
 * An HTTP header value (ntfy's `Title`): printable ASCII as is; anything else as RFC 2047 encoded words of
 * at most 75 characters each, split between characters (never inside one's UTF-8 bytes), separated by a
 * space, which a decoder drops between adjacent encoded words. Never a line break.
 */
export function headerValue(text: unknown): string {
  const line = oneLine(text);
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (size) words.push(`=?UTF-8?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const char of line) {
    const bytes = Buffer.from(char, 'utf8');
    if (size + bytes.length > WORD_BYTES) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  flush();
  return words.join(' ');
}

/** HTML element content and quoted attribute values (the status page, the Atom feed). */
export function html(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * XML 1.0 text (the Atom feed): {@link html}, and the characters XML forbids even escaped (most C0 controls,
 * lone surrogates, U+FFFE/U+FFFF) removed, so a feed reader's parser never rejects the file.
 */
export function xml(value: unknown): string {
  return html(
    // eslint-disable-next-line no-control-regex
    String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu, ''),
  );
}

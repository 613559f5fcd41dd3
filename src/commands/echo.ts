/**
 * Text from a comment or an endpoint that a reply shows again is made inert first: no `@` mention pings,
 * no link or image renders, no backtick closes the code span around it, no HTML, one line, short.
 * The rules are the shared ones (src/util/redact.ts `neutralize`, with `issueRefs`: `#12` is defused too).
 */
import { neutralize } from '../util/redact.js';

const ZWSP = '\u200b';

/** `neutralize` on one line of at most `max` characters: for a name or a word from a comment. */
export function echo(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return neutralize(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat, { issueRefs: true });
}

/**
 * Last pass on a whole reply: every `@login` that is not in `allowed` stops being a mention. The bot's own
 * text mentions only the commenter; anything else came from elsewhere (state, an endpoint, a config).
 */
export function defangMentions(markdown: string, allowed: string[]): string {
  const ok = new Set(allowed.map((l) => l.toLowerCase()));
  return markdown.replace(
    /(^|[^\w`])@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[\w.-]+)?)/g,
    (m, pre: string, login: string) => (ok.has(login.toLowerCase()) ? m : `${pre}@${ZWSP}${login}`),
  );
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { configSchema, toConfig, type Config } from '../../src/config/schema.js';
import {
  attemptComment,
  escalationComment,
  openedBody,
  resolvedComment,
  statusComment,
} from '../../src/engine/timeline.js';
import { FileIncidentLog } from '../../src/incidents/file.js';
import { incidentTitle } from '../../src/incidents/github.js';
import { buildRequest } from '../../src/notify/payloads.js';
import { eventFacts, eventTitle } from '../../src/notify/text.js';
import { resolveTuning } from '../../src/config/presets.js';
import { RunTally, runResult } from '../../src/report/run-report.js';
import { renderRunSummary } from '../../src/report/summary.js';
import { renderSite } from '../../src/site/index.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import { ENCODED_WORD_MAX, plainText } from '../../src/util/escape.js';
import type { NotificationEvent } from '../../src/state/types.js';

/**
 * One hostile service name, failure reason and endpoint answer through every exit where text leaves: the
 * GitHub Markdown ones (incident body and comments, the job summary's table and "What was done",
 * `incidents.md`), Slack, Discord, Teams, Telegram, ntfy and the signed webhook. For each destination the test
 * checks its rule (nothing acts: no HTML, link, image, mention, reference or formatting) and that the text
 * still reads as it was (decoding the destination's escapes gives the plain text back, emoji joiners and all).
 */

const FAMILY = '👩‍👩‍👧';
// Short enough to survive the chat title's shortening whole (60 graphemes).
const NAME = `<img src=x>@octocat @acme/ops #1 GH-2 *b* "q"&amp; ${FAMILY}`;
const HOSTILE = `<b>x</b> @everyone @here <!channel> <@U1> ![i](https://evil.example/x.png) [l](https://evil.example) _i_ ~~s~~ \`c\` $x$ | GH-3 #4 acme/ops#5 "q" &lt; ${FAMILY} \\* \u202e\r\nInjected: 1`;
const REASON = `HTTP 500: ${HOSTILE}`;
const ANSWER = `{"error":"${HOSTILE}"}`;
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY_MS = 86_400_000;
const ZWSP = /\u200b/g;

function config(name: string): Config {
  const parsed = configSchema.parse({ services: { api: { name, url: 'https://api.example.com/health' } } });
  const out = toConfig(parsed, 'hostile');
  if ('problems' in out) throw new Error(JSON.stringify(out.problems));
  return out;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** GitHub Markdown: rendered with marked (GFM) to HTML and to the text a reader sees. */
function renderGitHub(markdown: string): { html: string; text: string } {
  const html = marked.parse(markdown, { gfm: true, async: false }) as string;
  return { html, text: decodeEntities(html.replace(/<[^>]*>/g, '')) };
}

/**
 * GitHub's rule for text that came from outside: it renders as the plain text it was (shown has every
 * `expected` piece, with zero-width spaces taken out), and nothing in it acts.
 */
function expectGitHubInert(markdown: string, expected: string[]): void {
  const { html, text } = renderGitHub(markdown);
  for (const piece of expected) expect(text.replace(ZWSP, '')).toContain(piece);
  // No HTML, image or link from the text (the only link a template adds is the health URL); the text's
  // `*b*`, `_i_`, `~~s~~`, `` `c` `` and `![i](…)` are among the `expected` pieces, shown as typed.
  expect(html.replace(/<a href="https:\/\/api\.example\.com\/health">/g, '')).not.toMatch(
    /<(img|b|a|script|del)\b/i,
  );
  expect(text).toContain(FAMILY);
  // GitHub pings `@name` / `@org/team` and links `#1`, `GH-2`, `owner/repo#3` in the rendered text.
  expect(text).not.toMatch(/@[A-Za-z0-9]/);
  expect(text).not.toMatch(/(^|[^\w])#\d|GH-\d|\/\w+#\d/i);
  // Autolinked URLs and math (`$x$`).
  expect(text).not.toMatch(/https?:\/\/evil|www\.evil/);
  expect(markdown).not.toMatch(/(^|[^\\])\$/m);
  expect(html).not.toContain('Injected: 1\n');
}

const graphemes = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].length;

describe('a hostile name, reason and endpoint answer at every exit', () => {
  const service = config(NAME).services.api;
  const nameShown = plainText(NAME, 100);
  // What a reader sees of the reason: one line, its URLs defused (`https[:]//`), nothing else changed.
  const reasonShown = plainText(REASON, 500).replace(/https:\/\//g, 'https[:]//');

  describe('GitHub Markdown', () => {
    it('incident title: plain text, one line, capped', () => {
      expect(incidentTitle(service, 'down')).toBe(`🔴 ${nameShown} is down`);
      const long = config('N'.repeat(5000)).services.api;
      expect(incidentTitle(long, 'down').length).toBeLessThanOrEqual(256);
    });

    it('incident body', () => {
      const body = openedBody(service, 'down', undefined, REASON, NOW);
      expectGitHubInert(body, [nameShown, reasonShown]);
    });

    it('recovery-attempt comment (with the provider output fenced)', () => {
      const body = attemptComment(service, {
        action: 'restart',
        trigger: 'down',
        at: NOW,
        durationMs: 40_000,
        providerOk: true,
        healthy: false,
        detail: `${ANSWER}\nline two \`\`\` @octocat\n\`\`\`\n<img src=x>`,
      });
      const { html } = renderGitHub(body);
      // The output stays inside one code block: the fence it carries cannot close ours.
      expect(html.match(/<pre>/g)).toHaveLength(1);
      expect(html).toContain('&lt;img src=x&gt;\n</code></pre>');
      expectGitHubInert(body.slice(0, body.indexOf('`'.repeat(4))), [nameShown]);
    });

    it('status, escalation and resolved comments', () => {
      expectGitHubInert(statusComment(service, 'up', 'down', REASON, NOW), [nameShown, reasonShown]);
      expectGitHubInert(escalationComment(service, REASON, []), [reasonShown]);
      expectGitHubInert(resolvedComment(service, 60_000, NOW), [nameShown]);
    });

    it('job summary: the status table (the endpoint answer as last error) and "What was done"', () => {
      const state = emptyState();
      state.services.api = {
        ...emptyRecord(NOW - 3_600_000),
        health: {
          ...emptyRecord(NOW).health,
          status: 'down',
          since: NOW - 60_000,
          lastError: ANSWER,
          lastCheckAt: NOW,
        },
      };
      const md = renderRunSummary({
        config: config(NAME),
        state,
        now: NOW,
        done: [`${NAME}: up → down (${REASON})`],
      });
      const table = md.split('\n').find((l) => l.includes('(`api`)'))!;
      // The row keeps its seven cells: no `|` from the text ends one.
      const { html: tableHtml } = renderGitHub(
        `| a | b | c | d | e | f | g |\n| - | - | - | - | - | - | - |\n${table}`,
      );
      expect(tableHtml.match(/<td>/g)).toHaveLength(7);
      expectGitHubInert(table, [nameShown]);
      const done = md.slice(md.indexOf('#### What was done'));
      expectGitHubInert(done.replace('#### What was done', ''), [nameShown, reasonShown]);
    });

    it("job summary of a run: names and reasons inert, the run's own incident references linked", () => {
      // The brief's own hostile pair: a name that pings, links #1 and injects HTML; a reason with an image.
      const name = '@octocat #1 <img src=x>';
      const reason = 'HTTP 500 ![i](https://evil.example/x.png)';
      const cfg = config(name);
      const state = emptyState();
      state.services.api = emptyRecord(NOW - 3_600_000);
      const tally = new RunTally(cfg);
      const attempt = {
        action: 'restart' as const,
        trigger: 'down' as const,
        at: NOW,
        durationMs: 1000,
        providerOk: true,
        healthy: true,
        detail: `${reason} @everyone`,
      };
      tally.add({
        state,
        mode: 'normal',
        tuning: resolveTuning(cfg, 'normal'),
        services: {},
        changed: true,
        writes: [`opened incident #1 for ${name}`, `commented on incident #1 (${name})`],
        events: [
          { type: 'status', service: 'api', from: 'up', to: 'down', reason, at: NOW },
          { type: 'incident-opened', service: 'api', number: 1 },
          { type: 'recovery-end', service: 'api', attempt },
          { type: 'incident-resolved', service: 'api', number: 1, durationMs: 60_000 },
        ],
      });
      const result = runResult(tally, state, {
        config: cfg,
        now: NOW,
        env: {},
        wrote: true,
        secretEnvOf: () => [],
      });
      const done = result.summary
        .slice(result.summary.indexOf('#### What was done'))
        .split('\n')
        .filter((l) => l.startsWith('- '));
      // The summary's own references are GitHub's links (`#1` as typed), each said once.
      expect(done.filter((l) => l.includes(': opened incident #1'))).toHaveLength(1);
      expect(done.filter((l) => /: resolved incident #1 after 1m/.test(l))).toHaveLength(1);
      expect(done.filter((l) => l.startsWith('- commented on incident #1 ('))).toHaveLength(1);
      // Everything else is inert: the name's `@octocat #1 <img>`, the reason's image, the detail's @everyone.
      const quoted = done.map((l) =>
        l.replace(/(opened|resolved|commented on) incident #1\b/, '$1 incident'),
      );
      expect(quoted.join('\n')).not.toMatch(/#1\b(?! after)/);
      const { html, text } = renderGitHub(quoted.join('\n'));
      expect(html).not.toMatch(/<(img|a)\b/i);
      expect(text).not.toMatch(/@[A-Za-z0-9]|(^|[^\w])#\d|https?:\/\/evil/);
      expect(text.replace(ZWSP, '')).toContain(
        '@octocat #1 <img src=x>: up → down (HTTP 500 ![i](https[:]//evil.example/x.png))',
      );
      // The same lines for logs are plain text, as they were.
      expect(result.done).toContain(`${name}: opened incident #1`);
    });

    describe('incidents.md', () => {
      let dir: string;
      beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'hostile-md-'));
      });
      afterAll(() => rm(dir, { recursive: true, force: true }));

      it('every heading and entry', async () => {
        const log = new FileIncidentLog(join(dir, 'incidents.json'), () => NOW);
        const ref = await log.open(service, 'down', openedBody(service, 'down', undefined, REASON, NOW), NOW);
        await log.comment(service, ref, statusComment(service, 'down', 'down', REASON, NOW));
        await log.resolve(service, ref, resolvedComment(service, 60_000, NOW));
        const md = await readFile(log.logPath, 'utf8');
        // The log's own `## #1 ·` headings are its numbering; the rest must be inert.
        expectGitHubInert(md.replace(/^(#+) #\d+ ·/gm, '$1'), [nameShown, reasonShown]);
        expect(md).not.toMatch(/@(everyone|here|octocat)/);
      });
    });
  });

  describe('chat and webhook payloads', () => {
    const event: NotificationEvent = {
      id: 'api:down:1',
      service: 'api',
      serviceName: NAME,
      transition: 'down',
      at: NOW,
      reason: REASON,
      incident: { number: 7, url: 'https://github.com/acme/ops/issues/7' },
    };
    const title = eventTitle(event);
    const facts = eventFacts(event);
    const request = (type: string, extra: Record<string, unknown> = {}) =>
      buildRequest({ type, url: 'https://hooks.example/x', ...extra } as never, event, {});

    it('the plain texts keep the emoji joiners and drop control and bidi characters', () => {
      expect(title).toContain(FAMILY);
      for (const [, value] of facts) expect(value).not.toMatch(/[\u202e\r\n]/);
    });

    it('Slack: only &amp; &lt; &gt; in mrkdwn, plain text as is', () => {
      const body = JSON.parse(request('slack').body);
      const mrkdwn = [body.text, body.blocks[1].text.text];
      for (const text of mrkdwn) {
        // Slack decodes exactly these three entities: any other shows as a literal `&quot;`.
        expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
        // `<` only opens Slack's own syntax (links, <!channel>, <@U1>): none from the text.
        expect(text).not.toMatch(/</);
        expect(text).toContain(FAMILY);
      }
      const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      expect(unescape(body.text)).toBe(title);
      expect(unescape(body.blocks[1].text.text)).toContain(facts[1][1]);
      expect(body.blocks[0].text).toEqual({ type: 'plain_text', text: title, emoji: true });
    });

    const unMarkdown = (s: string) =>
      s
        .replace(/\\(.)/g, '$1')
        .replace(ZWSP, '')
        .replace(/\[:\]\/\//g, '://')
        .replace(/www\[\.\]/g, 'www.');
    /** Markdown characters with no backslash before them (a `\\` pair is one escaped backslash). */
    const bare = (s: string, chars: RegExp) => s.replace(/\\./g, '').match(chars);

    it('Discord: title and field values escaped, URLs not autolinked, mentions broken', () => {
      const body = JSON.parse(request('discord').body);
      const [embed] = body.embeds;
      expect(body.allowed_mentions).toEqual({ parse: [] });
      for (const text of [embed.title, ...embed.fields.map((f: { value: string }) => f.value)]) {
        expect(bare(text, /[`*_~|[\]()<>#]/g)).toBeNull();
        expect(text).not.toMatch(/@(everyone|here|octocat)/);
        expect(text).not.toMatch(/https?:\/\//);
      }
      expect(unMarkdown(embed.title)).toBe(title);
      expect(unMarkdown(embed.fields[1].value)).toBe(facts[1][1]);
      expect(embed.title).toContain(FAMILY);
    });

    it('Teams: the card text and facts escaped', () => {
      const card = JSON.parse(request('teams').body).attachments[0].content;
      const texts = [card.body[0].text, ...card.body[1].facts.map((f: { value: string }) => f.value)];
      for (const text of texts) {
        expect(bare(text, /[`*_~[\]()<>#]/g)).toBeNull();
        expect(text).not.toMatch(/@(everyone|here|octocat)/);
        expect(text).not.toMatch(/https?:\/\//);
      }
      expect(unMarkdown(card.body[0].text)).toBe(title);
      expect(unMarkdown(card.body[1].facts[1].value)).toBe(facts[1][1]);
    });

    it('Telegram: HTML with only our tags; the text decodes back', () => {
      const body = JSON.parse(
        buildRequest({ type: 'telegram', botToken: '1:x', chatId: 1 } as never, event, {}).body,
      );
      expect(body.parse_mode).toBe('HTML');
      const withoutOurs = body.text.replace(/<\/?b>|<a href="[^"<>]*">|<\/a>/g, '');
      expect(withoutOurs).not.toMatch(/[<>]/);
      expect(withoutOurs).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
      const lines = decodeEntities(withoutOurs).split('\n');
      expect(lines[0]).toBe(title);
      expect(lines).toContain(`Reason: ${facts[1][1]}`);
    });

    it('ntfy: Title as RFC 2047 encoded words of at most 75 characters that decode to the title', () => {
      const req = request('ntfy');
      const header = req.headers.Title;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      const words = header.split(' ');
      for (const word of words) {
        expect(word.length).toBeLessThanOrEqual(ENCODED_WORD_MAX);
        expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      }
      const decoded = Buffer.concat(words.map((w) => Buffer.from(w.slice(10, -2), 'base64'))).toString(
        'utf8',
      );
      expect(decoded).toBe(title);
      // Each word holds whole characters (RFC 2047 section 5): each decodes without a replacement character.
      for (const w of words)
        expect(Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).not.toContain('\ufffd');
      expect(req.headers.Markdown).toBe('no');
      expect(req.body).not.toMatch(/\u202e|\r/);
    });

    it('webhook JSON: capped, one line, emoji intact', () => {
      const long = { ...event, serviceName: `${FAMILY}${'N'.repeat(5000)}`, reason: 'R'.repeat(5000) };
      const body = JSON.parse(
        buildRequest({ type: 'webhook', url: 'https://hooks.example/x' } as never, long, {}).body,
      );
      expect(graphemes(body.serviceName)).toBeLessThanOrEqual(100);
      expect(body.serviceName.startsWith(FAMILY)).toBe(true);
      expect(body.serviceName.endsWith('…')).toBe(true);
      expect(body.reason.length).toBeLessThanOrEqual(500);
      const hostile = JSON.parse(request('webhook').body);
      expect(hostile.serviceName).toBe(plainText(NAME, 100));
      expect(hostile.reason).not.toMatch(/[\r\n\u202e]/);
    });

    it('a 5,000-character name is shortened with an ellipsis in every chat title and field', () => {
      const long = { ...event, serviceName: 'N'.repeat(5000) };
      const titles = [
        JSON.parse(buildRequest({ type: 'slack', url: 'https://h.example/' }, long, {}).body).text,
        JSON.parse(buildRequest({ type: 'discord', url: 'https://h.example/' }, long, {}).body).embeds[0]
          .title,
        JSON.parse(buildRequest({ type: 'teams', url: 'https://h.example/' }, long, {}).body).attachments[0]
          .content.body[0].text,
      ];
      for (const t of titles) {
        expect(t.length).toBeLessThan(100);
        expect(t).toContain('N…');
      }
      const ntfy = buildRequest({ type: 'ntfy', url: 'https://h.example/t' } as never, long, {});
      const words = ntfy.headers.Title.split(' ').map((w) => Buffer.from(w.slice(10, -2), 'base64'));
      const ntfyTitle = Buffer.concat(words).toString('utf8');
      expect(graphemes(ntfyTitle)).toBeLessThan(75);
      expect(ntfyTitle).toContain('N…');
      const discordFields = JSON.parse(
        buildRequest({ type: 'discord', url: 'https://h.example/' }, long, {}).body,
      ).embeds[0].fields;
      expect(discordFields[0].value.length).toBeLessThanOrEqual(110);
    });
  });

  describe('the status page, its feed and badges', () => {
    const state = emptyState();
    state.services.api = {
      ...emptyRecord(NOW - DAY_MS),
      firstCheckAt: NOW - DAY_MS,
      outages: [{ start: NOW - 3_600_000 }],
      health: { ...emptyRecord(NOW).health, status: 'down', lastError: ANSWER, lastCheckAt: NOW },
    };
    state.incidents.api = { number: 7, openedAt: NOW - 3_600_000, kind: 'down' };
    const files = renderSite(config(`${NAME}\u0001`), state, { now: NOW });

    it('HTML: the name is text wherever it appears; no endpoint answer is published', () => {
      const html = files['index.html'];
      expect(html).not.toContain('<img src=x>');
      expect(html).toContain(
        '&lt;img src=x&gt;@octocat @acme/ops #1 GH-2 *b* &quot;q&quot;&amp;amp; ' + FAMILY,
      );
      expect(html).not.toContain('evil.example');
      expect(html.match(/<[a-z]+/g)!.filter((t) => ['<img', '<script', '<b'].includes(t))).toEqual([]);
    });

    it('Atom XML: the name is text, without characters XML forbids', () => {
      const feed = files['feed.xml'];
      expect(feed).toContain('<title>&lt;img src=x&gt;@octocat');
      // eslint-disable-next-line no-control-regex
      expect(feed).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    });

    it('badge: the name is text and shortened', () => {
      const svg = files['badges/api/status.svg'];
      expect(svg).not.toContain('<img');
      expect(JSON.parse(files['badges/api/status.json']).label).toBe(plainText(NAME, 40));
    });
  });
});

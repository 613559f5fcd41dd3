import { describe, expect, it } from '@jest/globals';
import {
  ENCODED_WORD_MAX,
  gitHubFence,
  gitHubMarkdown,
  headerValue,
  oneLine,
  shorten,
  slackMrkdwn,
  xml,
} from '../../src/util/escape.js';

/** The escapes themselves (src/util/escape.ts); hostile-text.test.ts checks them at every exit. */

const FAMILY = '👩‍👩‍👧';

describe('oneLine and shorten', () => {
  it('keep emoji sequences whole: joiners survive, a cut never splits a grapheme', () => {
    expect(oneLine(`a\u202e\r\n${FAMILY}\u200b b`)).toBe(`a ${FAMILY} b`);
    expect(shorten(`${FAMILY}${FAMILY}${FAMILY}`, 2)).toBe(`${FAMILY}…`);
    expect(shorten('🇩🇪🇫🇷🇮🇹', 2)).toBe('🇩🇪…');
    expect(shorten('short', 10)).toBe('short');
  });
});

describe('gitHubMarkdown', () => {
  it('leaves an ordinary name as it reads', () => {
    for (const name of [
      'Backend Node.js',
      'Voice service (EU)',
      'my_service',
      'C++ API',
      'api-2',
      'uptime-state',
    ])
      expect(gitHubMarkdown(name)).toBe(name);
  });

  it('escapes what acts and breaks mentions and references', () => {
    expect(gitHubMarkdown('@octocat @acme/ops #12 GH-3 o/r#4 a@b.example')).toBe(
      '@\u200boctocat @\u200bacme/ops #\u200b12 GH\u200b-3 o/r#\u200b4 a@\u200bb.example',
    );
    expect(gitHubMarkdown('![i](https://e.example/x.png) <b> *x* `c` $y$ | ~z~ &amp;')).toBe(
      '!\\[i\\](https\\[:\\]//e.example/x.png) \\<b\\> \\*x\\* \\`c\\` \\$y\\$ \\| \\~z\\~ \\&amp;',
    );
    // A block marker at the start of a list item's text, and a backslash that would escape.
    expect(gitHubMarkdown('# h')).toBe('\\# h');
    expect(gitHubMarkdown('1. x')).toBe('1\\. x');
    expect(gitHubMarkdown('\\*')).toBe('\\\\\\*');
  });

  it('fences output with more backticks than it holds', () => {
    expect(gitHubFence('a ``` b ```` c')).toEqual({ fence: '`````', body: 'a ``` b ```` c' });
    expect(gitHubFence('plain').fence).toBe('```');
  });
});

describe('slackMrkdwn', () => {
  it('only the three entities Slack decodes', () => {
    expect(slackMrkdwn('"a" & <!channel> \'b\'')).toBe('"a" &amp; &lt;!channel&gt; \'b\'');
  });
});

describe('headerValue (RFC 2047)', () => {
  it('ASCII as is; otherwise encoded words of at most 75 characters, split between characters', () => {
    expect(headerValue('API is down')).toBe('API is down');
    for (const text of [`🔴 ${'é'.repeat(200)}`, FAMILY.repeat(30), `${'a'.repeat(44)}€`]) {
      const words = headerValue(text).split(' ');
      for (const w of words) {
        expect(w.length).toBeLessThanOrEqual(ENCODED_WORD_MAX);
        expect(Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).not.toContain('\ufffd');
      }
      expect(Buffer.concat(words.map((w) => Buffer.from(w.slice(10, -2), 'base64'))).toString('utf8')).toBe(
        text,
      );
    }
  });
});

describe('xml', () => {
  it('escapes markup and drops what XML 1.0 forbids, keeping emoji', () => {
    expect(xml(`<a>&"'\u0001\ud800${FAMILY}\ufffe`)).toBe(`&lt;a&gt;&amp;&quot;&#39;${FAMILY}`);
  });
});

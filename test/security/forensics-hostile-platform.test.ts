import { describe, expect, it } from '@jest/globals';
import { renderForensics } from '../../src/forensics/render.js';

/** A platform (or an app writing its own logs) answering with text meant to break out of the incident. */
describe('forensics from a hostile platform answer', () => {
  const T = Date.parse('2026-03-01T12:00:00Z');
  const text = renderForensics(
    {
      service: 'api',
      outageStart: T,
      notes: ['Railway cannot give logs: <img src=x onerror=alert(1)> @org/team'],
      latest: {
        id: 'dep`</details><script>x</script>',
        status: '<b>SUCCESS</b>',
        createdAt: new Date(T - 60_000).toISOString(),
        commitSha: '@octocat',
        commitMessage: 'fix [click](https://evil.example) @admins <details open>\nsecond line',
      },
      logs: [
        ...Array.from({ length: 10_000 }, (_, i) => ({ message: `noise ${i}` })),
        { message: 'x'.repeat(1_000_000) },
        {
          message:
            '````\n</details>\n<a href="https://evil.example">login</a> @everyone \u001b[31mred\u001b[0m',
        },
      ],
    },
    { rollbackWindowMs: 1_800_000 },
  );

  it('stays bounded (at most 60 log lines, well under the GitHub comment limit)', () => {
    expect(text.length).toBeLessThan(12_000);
    const block = text.slice(text.indexOf('text\n') + 5, text.lastIndexOf('\n`'));
    expect(block.split('\n').length).toBeLessThanOrEqual(60);
  });

  it('cannot end the section, inject HTML or links, or mention anyone outside the code block', () => {
    expect(text.split('</details>')).toHaveLength(2);
    expect(text).not.toMatch(/<(script|img|a |b>|details open)/i);
    const outside = text.replace(/^(`{3,})text\n[\s\S]*?\n\1$/m, '');
    expect(outside).not.toMatch(/@(octocat|admins|org)/);
    expect(outside).not.toContain('](https://');
    expect(text).not.toContain('\u001b');
  });
});

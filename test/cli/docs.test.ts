import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(path, 'utf8');

describe('the README', () => {
  it('shows the example workflow exactly as examples/workflows/uptime.yml has it', () => {
    const readme = read('README.md');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(read('examples/workflows/uptime.yml'));
  });

  it('every local link points to a file that exists; examples use example.com hosts', () => {
    const readme = read('README.md');
    for (const [, target] of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      if (/^https?:/.test(target) || target.startsWith('docs/img/')) continue;
      expect(existsSync(target)).toBe(true);
    }
    // The comparison table links the three projects it compares with; every other host is an example.
    const compared = ['upptime.js.org', 'uptime.kuma.pet', 'gatus.io'];
    for (const [, host] of readme.matchAll(/https:\/\/([a-z0-9.-]+)/g))
      if (!compared.includes(host)) expect(host).toMatch(/example\.com$/);
  });

  it('stays short: about 150 to 200 lines', () => {
    const lines = read('README.md').split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(120);
    expect(lines).toBeLessThanOrEqual(210);
  });
});

describe("the README's performance section", () => {
  it('quotes the run in bench/results.md: its date, and every ratio and duration it gives', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Performance'), readme.indexOf('## Development'));
    const results = read('bench/results.md');
    const runDate = /run (\d{4}-\d{2}-\d{2}) \d{2}:\d{2} UTC/.exec(results)?.[1];
    expect(runDate).toBeDefined();
    expect(section).toContain(`the run of ${runDate}`);
    const figures = [...section.matchAll(/\b\d+\.\d+ (?:×|s|MB|KB)/g)].map((m) => m[0]);
    expect(figures.length).toBeGreaterThan(5);
    for (const figure of figures)
      expect({ figure, inResults: results.includes(figure) }).toEqual({ figure, inResults: true });
  });
});

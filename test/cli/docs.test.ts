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
    for (const [, host] of readme.matchAll(/https:\/\/([a-z0-9.-]+)/g)) expect(host).toMatch(/example\.com$/);
  });

  it('stays short: about 150 to 200 lines', () => {
    const lines = read('README.md').split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(120);
    expect(lines).toBeLessThanOrEqual(210);
  });
});

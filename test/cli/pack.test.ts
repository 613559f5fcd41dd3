import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * `npm pack` (dry run: no registry, no network) ships what `npx uptime-action` needs: the bin mapping to
 * dist/cli.js with its shebang, and the demo's service scripts beside dist/. A real install of the tarball
 * is not tried here: `npm install` of its dependencies needs the registry.
 */
describe('npm pack', () => {
  it('contains dist/cli.js (bin uptime-action, with #!/usr/bin/env node), the demo scripts and the LICENSE', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const path of [
      'dist/cli.js',
      'cli/demo/service.mjs',
      'cli/demo/restart.mjs',
      'LICENSE',
      'package.json',
    ])
      expect(files).toContain(path);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['uptime-action']).toBe('dist/cli.js');
    expect(readFileSync('dist/cli.js', 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  }, 60_000);
});

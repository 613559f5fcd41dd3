// Bundles the Action (and the CLI, when present) into single files under dist/, as GitHub runs actions
// without installing dependencies. Deterministic: same sources, same bytes (scripts/check-dist.sh relies on it).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// ESM output still meets CommonJS dependencies that call require(): give them one.
const requireShim =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['action/index.ts'],
  outfile: 'dist/index.js',
  banner: { js: requireShim },
});

if (existsSync(join(root, 'cli/index.ts'))) {
  await build({
    ...common,
    entryPoints: ['cli/index.ts'],
    outfile: 'dist/cli.js',
    // cli/index.ts starts with its own #!/usr/bin/env node, which esbuild keeps.
    banner: { js: requireShim },
  });
  await chmod(join(root, 'dist/cli.js'), 0o755);
}

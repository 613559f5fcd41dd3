// Bundles the Action, the CLI and the bot into dist/: GitHub runs actions without installing dependencies,
// and `npx github:superparty/uptime-action` or the Docker image run dist/cli.js and dist/bot.js with no
// node_modules at all (package.json has no runtime `dependencies`; docs/releasing.md). Deterministic: same sources, same bytes (scripts/check-dist.sh relies on it).
//
//   node scripts/build.mjs [--outdir DIR]     (default dist/; tests build a fresh copy into a temp dir)
//
// The Action is three files: dist/index.js (action.yml's `main`) turns on source maps and then loads
// dist/action.js, the bundle, whose dist/action.js.map points stack traces at the TypeScript sources.
// Node only maps files loaded after `process.setSourceMapsEnabled(true)`, and action.yml cannot pass
// `--enable-source-maps`, hence the two-line entry.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = isAbsolute(values.outdir) ? values.outdir : join(root, values.outdir);
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
  logLevel: 'warning',
};

await mkdir(outdir, { recursive: true });
await build({
  ...common,
  entryPoints: ['action/index.ts'],
  outfile: join(outdir, 'action.js'),
  banner: { js: requireShim },
  sourcemap: 'linked',
  sourcesContent: false,
});
await writeFile(
  join(outdir, 'index.js'),
  [
    "// action.yml's entry: stack traces in the job's log point at the TypeScript sources (action.js.map).",
    'process.setSourceMapsEnabled(true);',
    "await import('./action.js');",
    '',
  ].join('\n'),
);

if (existsSync(join(root, 'cli/index.ts'))) {
  await build({
    ...common,
    entryPoints: ['cli/index.ts'],
    outfile: join(outdir, 'cli.js'),
    // cli/index.ts starts with its own #!/usr/bin/env node, which esbuild keeps.
    banner: { js: requireShim },
  });
  await chmod(join(outdir, 'cli.js'), 0o755);
}

if (existsSync(join(root, 'bot/index.ts'))) {
  // The GitHub App server (`node dist/bot.js`, the Docker image's CMD). It reads app.yml and package.json
  // from the working directory, as Probot does.
  await build({
    ...common,
    entryPoints: ['bot/index.ts'],
    outfile: join(outdir, 'bot.js'),
    banner: { js: requireShim },
  });
}

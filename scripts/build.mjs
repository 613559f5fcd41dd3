// Bundles the Action (and the CLI, when present) into single files under dist/, as GitHub runs actions
// without installing dependencies. Deterministic: same sources, same bytes (scripts/check-dist.sh relies on it).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `--outdir <dir>` builds there instead of dist/ (test/action/dist.test.ts tests a fresh bundle in a temp dir). */
const outdirFlag = process.argv.indexOf('--outdir');
const outdir =
  outdirFlag > 0 && process.argv[outdirFlag + 1] ? process.argv[outdirFlag + 1] : join(root, 'dist');
// ESM output still meets CommonJS dependencies that call require(): give them one.
const requireShim =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * `yaml` as ES modules. Its `node` export is CommonJS: esbuild must keep and run all of it at start-up (the
 * whole library, ~5 ms of the Action's cold start); its ES build is the same code, and only what is imported
 * (parse) is kept. The one Node-specific difference is put back: warnings go through process.emitWarning,
 * as in its Node build. (Left out: the LOG_TOKENS/LOG_STREAM variables, yaml's own parser debugging.)
 */
const yamlDir = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(yamlDir, 'browser', 'dist', 'index.js') }));
    b.onLoad({ filter: /[\\/]yaml[\\/]browser[\\/]dist[\\/]log\.js$/ }, () => ({
      loader: 'js',
      contents: [
        "import process from 'node:process';",
        "export function debug(logLevel, ...messages) { if (logLevel === 'debug') console.log(...messages); }",
        'export function warn(logLevel, warning) {',
        "  if (logLevel === 'debug' || logLevel === 'warn') {",
        "    if (typeof process.emitWarning === 'function') process.emitWarning(warning);",
        '    else console.warn(warning);',
        '  }',
        '}',
      ].join('\n'),
    }));
  },
};

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
  outfile: join(outdir, 'index.js'),
  banner: { js: requireShim },
  plugins: [yamlAsEsm],
});

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

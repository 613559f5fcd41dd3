// Jest's TypeScript transform: esbuild strips the types of one file at a time (~1 ms a file), where ts-jest
// spent seconds of every fresh run in TypeScript's own transpiler. Type-checking is `npx tsc --noEmit`'s job
// (tsconfig.json's `isolatedModules` guarantees each file compiles alone), so nothing is lost: ts-jest did not
// type-check either. Output is ESM (package.json `"type": "module"`, jest.config.mjs `extensionsToTreatAsEsm`)
// with an inline source map, so failures point at the TypeScript lines.
import { transformSync, version } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const self = readFileSync(new URL(import.meta.url), 'utf8');

export default {
  canInstrument: false,
  getCacheKey(source, path, options) {
    return createHash('sha256')
      .update(
        [self, version, process.versions.node, path, String(options.supportsStaticESM), source].join('\0'),
      )
      .digest('hex');
  },
  process(source, path, options) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: options.supportsStaticESM ? 'esm' : 'cjs',
      // The Node that runs the tests (so `import … with { type: 'json' }` is kept: a plain `node20` target drops
      // it); ES2022 class fields as tsconfig.json's target defines them.
      target: `node${process.versions.node}`,
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
      sourcemap: 'external',
      sourcefile: path,
    });
    return { code, map };
  },
};

import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layering docs/architecture.md describes, checked on the real import graph: the core (`src/`) imports no face
 * and neither `@actions/*` nor `probot`, and the folders of `src/` import each other without cycles.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Every module a file imports or re-exports, types included: a type import ties two folders together as much
 * as a value import does (a change of the type breaks both), even though the compiler erases it.
 */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements.flatMap((statement) => {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier))
      return [statement.moduleSpecifier.text];
    if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    )
      return [statement.moduleSpecifier.text];
    return [];
  });
}

const folderOf = (file: string) => relative(src, file).split('/')[0];

const files = sourceFiles(src);

describe('architecture', () => {
  test('src/ imports no face (action/, bot/, cli/), no @actions/* and no probot', () => {
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => {
          if (spec.startsWith('@actions/') || spec === 'probot' || spec.startsWith('probot/')) return true;
          if (!spec.startsWith('.')) return false;
          return !resolve(dirname(file), spec).startsWith(src);
        })
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  test('the folders of src/ import each other without cycles (type imports count)', () => {
    const { edges, why } = folderGraph(files);
    // Each edge on a cycle fails here, named with a file that makes it: move the shared type or schema down
    // to the lower folder (docs/architecture.md, "Layers").
    expect(edgesOnCycles(edges).map((e) => `${e} (${why.get(e)})`)).toEqual([]);
  });

  test('the cycle check sees a cycle made only of type imports', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(edgesOnCycles(edges)).toEqual(['a→b', 'b→c', 'c→a']);
    expect(importsOf(join(src, 'report', 'status.ts'))).toContain('../outcome/types.js');
  });
});

/** The folder graph of `files`: `from → to` for every relative import between two folders of src/. */
function folderGraph(list: string[]) {
  const edges = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const file of list) {
    const from = folderOf(file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src)) continue;
      const to = folderOf(target.replace(/\.js$/, '.ts'));
      if (to === from || to.endsWith('.ts')) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      why.set(`${from}→${to}`, relative(root, file));
    }
  }
  return { edges, why };
}

/** The edges that lie on a cycle (both ends in one strongly connected component; Tarjan), sorted. */
function edgesOnCycles(edges: Map<string, Set<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (!component.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      component.set(top, index.get(node)!);
      if (top === node) break;
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return [...edges]
    .flatMap(([from, tos]) =>
      [...tos].filter((to) => component.get(from) === component.get(to)).map((to) => `${from}→${to}`),
    )
    .sort();
}

/**
 * `as` casts left in src/, per file, each with why it is not outside data. Outside data (thrown errors, parsed
 * JSON and YAML, webhook payloads, GitHub and platform answers, Redis jobs, env variables, files) is read with a
 * type guard or a zod schema instead (src/util/fields.ts, src/github/request.ts). Shrink this list; never grow it.
 */
const CAST_ALLOW_LIST: Record<string, number> = {
  // recoverySchema: z.discriminatedUnion takes a tuple of the providers' schemas, and `.map` over the PROVIDERS
  // tuple gives an array (the types can't keep a tuple through map); the values are the registry's own constants.
  'src/config/schema.ts': 1,
  // redactDeep<T>: strings map to strings, so the value keeps its type; the recursion over unknown can't show it.
  'src/util/redact.ts': 1,
};

/** Each `as` cast in a source text (`x as T`, `<T>x`; `as const` and `import * as` are not casts), by line. */
function castsIn(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const isCast = ts.isAsExpression(node) || ts.isTypeAssertionExpression(node);
    // `x as unknown as T` is one cast: only the outer one counts.
    if (isCast && node.type.getText(source) !== 'const' && !ts.isAsExpression(node.parent)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push(
        `${relative(root, file)}:${line}: ${node.getText(source).replace(/\s+/g, ' ').slice(0, 100)}`,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('casts', () => {
  test('src/ has no `as` cast beyond the allow-list (none on outside data)', () => {
    const counts = new Map<string, string[]>();
    for (const file of files) {
      const casts = castsIn(file);
      if (casts.length) counts.set(relative(root, file), casts);
    }
    // A new cast fails here, with its line: read outside data with a guard or a schema instead.
    const over = [...counts].flatMap(([file, casts]) =>
      casts.length > (CAST_ALLOW_LIST[file] ?? 0) ? casts : [],
    );
    expect(over).toEqual([]);
    // A cast removed is struck from the list, so it can't come back unnoticed.
    const stale = Object.entries(CAST_ALLOW_LIST)
      .filter(([file, allowed]) => (counts.get(file)?.length ?? 0) < allowed)
      .map(([file, allowed]) => `${file}: ${counts.get(file)?.length ?? 0} casts, allowed ${allowed}`);
    expect(stale).toEqual([]);
  });

  test('the cast check sees casts and nothing else', () => {
    const text = [
      "import * as z from 'zod/mini';",
      "export * as fields from './fields.js';",
      '// a comment such as this one, or as is',
      'const a = JSON.parse(text) as { ok: boolean };',
      'const b = <string>value;',
      'const c = value as unknown as number;',
      "const d = ['x', 'y'] as const;",
      'const e = { f: g as never };',
    ].join('\n');
    expect(castsIn(join(src, 'example.ts'), text).map((c) => c.replace(/^src\/example\.ts:/, ''))).toEqual([
      '4: JSON.parse(text) as { ok: boolean }',
      '5: <string>value',
      '6: value as unknown as number',
      '8: g as never',
    ]);
  });
});

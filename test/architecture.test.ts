import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layering ARCHITECTURE.md promises, checked on the real import graph: the core (`src/`) imports no face
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

/** Every module a file imports or re-exports at run time (`import type` / `export type` are erased). */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements.flatMap((statement) => {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) return [];
      return [(statement.moduleSpecifier as ts.StringLiteral).text];
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      return [(statement.moduleSpecifier as ts.StringLiteral).text];
    }
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

  test('the folders of src/ import each other without cycles (at run time)', () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const file of files) {
      const from = folderOf(file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src)) continue;
        const to = folderOf(target.replace(/\.js$/, '.ts'));
        if (to === from || to.endsWith('.ts')) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        why.set(`${from}->${to}`, relative(root, file));
      }
    }
    // Depth-first search for a back edge; report each cycle with the file that closes it.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (node: string) => {
      state.set(node, 'open');
      path.push(node);
      for (const next of edges.get(node) ?? []) {
        if (state.get(next) === 'open') {
          const cycle = [...path.slice(path.indexOf(next)), next];
          const links = cycle.slice(1).map((to, i) => `${cycle[i]}→${to} (${why.get(`${cycle[i]}->${to}`)})`);
          cycles.push(links.join(', '));
        } else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(node, 'done');
    };
    for (const node of edges.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });
});

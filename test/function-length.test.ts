import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Functions that fit on a screen (docs STYLE: "Small pieces with precise names"). A function's length is its
 * body's lines, from `{` to `}` (an arrow with an expression body counts that expression): function
 * declarations, methods, arrows, function expressions and constructors. The faces (action/, bot/, cli/) read
 * their inputs and format the core's result, so none of theirs is longer than LIMIT; the core keeps at most
 * CEILING over it while it is split into named steps (lower CEILING with each split; the aim is 15).
 */
const LIMIT = 50;
const CEILING = 15;
const FACES = ['action', 'bot', 'cli'];
const ROOTS = ['src', ...FACES];

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** One function over the limit: `lines<TAB>file:line<TAB>name`, as /work/wt/fnlen.mjs prints it. */
interface LongFunction {
  lines: number;
  file: string;
  line: number;
  name: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '<anon>';
}

const isFunction = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isArrowFunction(node) ||
  ts.isFunctionExpression(node) ||
  ts.isConstructorDeclaration(node);

/** The functions of `text` whose body spans more than `limit` lines. */
function longFunctions(file: string, text: string, limit = LIMIT): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunction(node) && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.body.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.body.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) found.push({ lines, file, line: first + 1, name: nameOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const describeAll = (list: LongFunction[]) =>
  list
    .sort((a, b) => b.lines - a.lines)
    .map((f) => `${f.lines}\t${f.file}:${f.line}\t${f.name}`)
    .join('\n');

describe(`functions over ${LIMIT} lines`, () => {
  const all = ROOTS.flatMap((dir) =>
    tsFiles(join(root, dir)).flatMap((path) =>
      longFunctions(relative(root, path), readFileSync(path, 'utf8')),
    ),
  );

  it('none in a face (action/, bot/, cli/)', () => {
    const inFaces = all.filter((f) => FACES.some((face) => f.file.startsWith(`${face}/`)));
    expect(describeAll(inFaces)).toBe('');
  });

  it(`at most ${CEILING} in the whole code base`, () => {
    const report = `${all.length} functions over ${LIMIT} lines (at most ${CEILING}):\n${describeAll(all)}`;
    expect(all.length <= CEILING ? 'ok' : report).toBe('ok');
  });

  it('the measure counts body lines from { to }, of every kind of function', () => {
    const body = (n: number) => `{\n${'  x++;\n'.repeat(n - 2)}}`;
    const text = [
      `function declared() ${body(51)}`,
      `function short() ${body(50)}`,
      `class C { constructor() ${body(52)} method() ${body(53)} }`,
      `const arrow = () => ${body(54)};`,
      `const expression = function () ${body(55)};`,
      `const o = { inner: () => ${body(56)} };`,
    ].join('\n');
    expect(longFunctions('x.ts', text).map((f) => `${f.name} ${f.lines}`)).toEqual([
      'declared 51',
      'constructor 52',
      'method 53',
      'arrow 54',
      'expression 55',
      'inner 56',
    ]);
  });
});

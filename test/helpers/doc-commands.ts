/**
 * Commands read out of the documentation, so that tests run what a reader types, word for word: a doc edit
 * that breaks a documented path breaks its test (docs are tests).
 */

/** How the README runs the CLI; tests map these two words to the bundle `npm run bundle` makes. */
export const CLI_WORDS = ['npx', 'github:superparty/uptime-action'] as const;

/** One documented command line: leading `NAME=value` words as `env`, the rest as `words`. */
export interface DocCommand {
  line: string;
  env: Record<string, string>;
  words: string[];
}

/** The text of a Markdown section, from its `## heading` to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  // A `# comment` inside a fenced block is not a heading.
  let fenced = false;
  const level = lines.map((l) => {
    if (l.startsWith('```')) fenced = !fenced;
    return !fenced && /^#+\s/.test(l) ? /^#+/.exec(l)![0].length : 0;
  });
  const start = lines.findIndex((l, i) => level[i] > 0 && l.replace(/^#+\s*/, '') === heading);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const end = level.findIndex((n, i) => i > start && n > 0 && n <= level[start]);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The bodies of the fenced blocks of one language (`sh`, `yaml`, `js`) in some Markdown. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** The command lines of the `sh` blocks: comment lines and blank lines skipped, a trailing `# note` cut. */
export function shellCommands(markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of fencedBlocks(markdown, 'sh')) {
    for (const raw of block.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const words = shellWords(line);
      const env: Record<string, string> = {};
      while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
        const [name, ...value] = words.shift()!.split('=');
        env[name] = value.join('=');
      }
      out.push({ line, env, words });
    }
  }
  return out;
}

/**
 * Splits a command line the way `sh` does for the simple lines docs show: whitespace separates words,
 * '…' and "…" quote, a `#` at the start of a word begins a comment. No expansion: a `$` is refused, so a
 * doc can't show a command whose meaning this test would not reproduce.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if ('$`|;&<>'.includes(c)) {
      throw new Error(`"${c}" in a documented command is not reproduced by the doc test: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The CLI arguments of a documented `npx github:superparty/uptime-action …` line. @throws for any other line */
export function cliArgs(command: DocCommand): string[] {
  const [npx, pkg, ...rest] = command.words;
  if (npx !== CLI_WORDS[0] || pkg !== CLI_WORDS[1])
    throw new Error(`not a "${CLI_WORDS.join(' ')}" command: ${command.line}`);
  return rest;
}

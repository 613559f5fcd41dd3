import { parse } from 'yaml';

/**
 * app.yml is the manifest Probot's setup page posts to GitHub to register the app. The page writes it as
 * JSON into a single-quoted HTML attribute (`value='…'`, probot/lib/views/setup.js) without escaping, so an
 * apostrophe ends the attribute early and `&` starts a character reference: the browser would post broken or
 * altered JSON. `npm run bot` checks app.yml first and names the text to change (docs/github-app.md).
 */

/** The characters the setup page cannot carry, with what to write instead. */
const UNSAFE: Array<[string, string]> = [
  ["'", 'write ’ (a typographic apostrophe) or rephrase'],
  ['&', 'write "and"'],
];

/** What in app.yml's text would break Probot's setup page; empty when the page can carry it. */
export function manifestProblems(text: string): string[] {
  let manifest: unknown;
  try {
    manifest = parse(text);
  } catch (error: unknown) {
    return [
      `app.yml is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    ];
  }
  const problems: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      for (const [char, fix] of UNSAFE)
        if (value.includes(char))
          problems.push(
            `app.yml: ${path || 'the manifest'} contains ${char}, which Probot's setup page cannot carry (it would post broken JSON to GitHub): ${fix}.`,
          );
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        visit(key, path ? `${path} (a key)` : 'a key');
        visit(item, path ? `${path}.${key}` : key);
      }
    }
  };
  visit(manifest, '');
  return problems;
}

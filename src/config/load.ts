import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.js';
import { configSchema, toConfig, TUNING_KEYS, type Config } from './schema.js';
import { seedConfigInput } from './seed.js';

export const DEFAULT_CONFIG_PATH = '.github/uptime.yml';

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of the raw config. A missing variable is a
 * problem naming the key, never a silent empty string.
 */
export function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[] = [],
  problems: ConfigProblem[] = [],
  used: Map<string, string> = new Map(),
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (whole, name: string, fallback?: string) => {
        const found = env[name];
        if (found !== undefined && found !== '') {
          used.set(found, `\${${name}}`);
          return found;
        }
        if (fallback !== undefined) return fallback;
        problems.push({
          path: path.join('.'),
          message: `refers to \${${name}}, which is not set in the environment.`,
          fix: `set ${name} (as a repository variable or secret in the workflow's env:), or write the value, or use \${${name}:-default}.`,
        });
        return whole;
      },
    );
  }
  if (Array.isArray(value))
    return value.map((v, i) => expandEnv(v, env, [...path, String(i)], problems, used));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], problems, used)]),
    );
  }
  return value;
}

const KNOWN_TOP_KEYS = Object.keys(configSchema.def.shape ?? {});

function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(lower, c.toLowerCase());
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

const FIXES: Array<[RegExp, string]> = [
  [/^mode$/, 'use normal or extreme.'],
  [/^preset$/, 'use conservative, balanced or aggressive.'],
  [/^services\.[^.]+\.url$/, 'write the full health URL, e.g. https://api.example.com/health.'],
  [/^services\.[^.]+\.recovery\.provider$/, 'use railway, render, fly, heroku, webhook or command.'],
  [
    /^services\.[^.]+\.recovery\.serviceId$/,
    "copy the service ID from the platform's dashboard (Railway: Service → Settings).",
  ],
  [/^services\.[^.]+\.recovery\.app$/, 'set the app name as the platform shows it.'],
  [
    /^services\.[^.]+\.recovery\.restart$/,
    'set the shell command that restarts the service, e.g. "systemctl restart api".',
  ],
  [
    /^(maxConsecutiveFailures|degradationThreshold|successThreshold)$/,
    'use a whole number of checks, 1 or more.',
  ],
];

function fixFor(path: string): string | undefined {
  return FIXES.find(([pattern]) => pattern.test(path))?.[1];
}

/** Turns zod's issues into problems that name the key, what is wrong and the fix. */
export function describeIssues(issues: z.core.$ZodIssue[], raw: unknown): ConfigProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys;
      const candidates = path === '' ? [...KNOWN_TOP_KEYS] : knownKeysAt(path);
      const hints = keys.map((k) => {
        const near = closest(k, candidates);
        return near ? `"${k}" (did you mean "${near}"?)` : `"${k}"`;
      });
      return {
        path,
        message: `unknown key${keys.length > 1 ? 's' : ''} ${hints.join(', ')}.`,
        fix: candidates.length ? `remove it or use one of: ${candidates.join(', ')}.` : 'remove it.',
      };
    }
    if (issue.code === 'invalid_type') {
      const got = valueAt(raw, issue.path);
      const what =
        got === undefined ? 'is missing' : `must be ${article(issue.expected)}, not ${describe(got)}`;
      return { path, message: `${what}.`, fix: fixFor(path) };
    }
    if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      const got = valueAt(raw, issue.path);
      return {
        path,
        message: `${JSON.stringify(got)} is not allowed; expected one of ${allowed}.`,
        fix: fixFor(path),
      };
    }
    if (issue.code === 'too_small' || issue.code === 'too_big') {
      return {
        path,
        message: `${describe(valueAt(raw, issue.path))} is out of range: ${lowerFirst(issue.message)}.`,
        fix: fixFor(path),
      };
    }
    return {
      path,
      message: issue.message.endsWith('.') ? issue.message : `${issue.message}.`,
      fix: fixFor(path),
    };
  });
}

function knownKeysAt(path: string): string[] {
  if (/^services\.[^.]+$/.test(path))
    return ['name', 'url', 'method', 'headers', 'expect', 'timeout', 'recovery'];
  if (/^services\.[^.]+\.expect$/.test(path)) return ['status', 'body', 'json'];
  if (/^services\.[^.]+\.recovery$/.test(path))
    return [
      'provider',
      'serviceId',
      'environmentId',
      'projectId',
      'app',
      'machines',
      'dyno',
      'url',
      'secretEnv',
      'secretHeader',
      'restart',
      'redeploy',
      'cwd',
      'timeout',
      'actions',
    ];
  return [];
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '');

/**
 * Validates a raw config (already parsed from YAML, or built from the seed's variables) into `Config`.
 * @throws ConfigError naming every problem.
 */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = {}): Config {
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [
      {
        path: '',
        message: `the file must be a YAML mapping with a services: key, not ${describe(raw)}.`,
        fix: 'see the configuration reference in the README.',
      },
    ]);
  }
  const expansionProblems: ConfigProblem[] = [];
  const used = new Map<string, string>();
  const expanded = expandEnv(raw, env, [], expansionProblems, used);
  if (expansionProblems.length) throw new ConfigError(source, expansionProblems);
  const result = configSchema.safeParse(expanded);
  if (!result.success) {
    // A value that came from the environment may be a secret: show the ${NAME} reference instead.
    const hide = (text: string) =>
      [...used].reduce((t, [value, ref]) => (value.length >= 3 ? t.split(value).join(ref) : t), text);
    const problems = describeIssues(result.error.issues, expanded).map((p) => ({
      ...p,
      message: hide(p.message),
    }));
    throw new ConfigError(source, problems);
  }
  const config = toConfig(result.data, source);
  if ('problems' in config) throw new ConfigError(source, config.problems);
  return config;
}

/** Parses YAML text into a `Config`. @throws ConfigError with the line of a YAML syntax error. */
export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv = {}): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(source, [
      {
        path: '',
        message: `is not valid YAML${where}: ${reason}`,
        fix: 'check the indentation and quoting on that line.',
      },
    ]);
  }
  return parseConfig(raw, source, env);
}

export interface LoadOptions {
  /** Config file path (default `.github/uptime.yml`). */
  path?: string;
  /** Whether the path was given explicitly: then a missing file is an error, not a fall-back to the seed's variables. */
  explicit?: boolean;
  env?: NodeJS.ProcessEnv;
  readText?: (path: string) => Promise<string>;
}

/**
 * Loads the config file, or, when there is none, the seed monitor's variables (BACKEND_URL, COQUI_API_URL, ...).
 * @throws ConfigError when neither gives a usable config.
 */
export async function loadConfig(options: LoadOptions = {}): Promise<Config> {
  const path = options.path ?? DEFAULT_CONFIG_PATH;
  const env = options.env ?? process.env;
  const read = options.readText ?? ((p: string) => readFile(p, 'utf8'));
  let text: string | undefined;
  try {
    text = await read(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) return parseConfigText(text, path, env);
  const seed = options.explicit ? undefined : seedConfigInput(env);
  if (seed) return parseConfig(seed, 'environment (seed variables)', env);
  throw new ConfigError(path, [
    {
      path: '',
      message: options.explicit
        ? 'the file does not exist.'
        : `no config file, and none of the seed's variables (BACKEND_URL, COQUI_API_URL) are set.`,
      fix: `create ${path} (see the README's quick start) or set BACKEND_URL / COQUI_API_URL.`,
    },
  ]);
}

export { TUNING_KEYS };

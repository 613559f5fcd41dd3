import { field, isObject } from '../util/fields.js';
import type { z } from 'zod';
import type { ConfigProblem } from './errors.js';
import { providerDescriptors } from '../providers/registry.js';
import { configSchema } from './schema.js';

/* Turning zod's issues into problems that name the key, what is wrong and the fix. */

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
  return issues.map((issue) => describeIssue(issue, raw));
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return unknownKeys(path, issue.keys, issue.path, raw);
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
  if (issue.code === 'too_small' || issue.code === 'too_big') return outOfRange(path, issue, raw);
  return {
    path,
    message: issue.message.endsWith('.') ? issue.message : `${issue.message}.`,
    fix: fixFor(path),
  };
}

function unknownKeys(path: string, keys: string[], at: PropertyKey[], raw: unknown): ConfigProblem {
  const candidates = path === '' ? [...KNOWN_TOP_KEYS] : knownKeysAt(path, raw);
  // Never "did you mean" the same key: a key valid for another provider is named as such.
  const provider = /^services\.[^.]+\.recovery$/.test(path) ? providerAt(raw, at) : undefined;
  const hints = keys.map((k) => {
    const near = closest(
      k,
      candidates.filter((c) => c !== k),
    );
    if (near) return `"${k}" (did you mean "${near}"?)`;
    return provider ? `"${k}" (not a key of the ${provider} provider)` : `"${k}"`;
  });
  return {
    path,
    message: `unknown key${keys.length > 1 ? 's' : ''} ${hints.join(', ')}.`,
    fix: candidates.length ? `remove it or use one of: ${candidates.join(', ')}.` : 'remove it.',
  };
}

function outOfRange(
  path: string,
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  raw: unknown,
): ConfigProblem {
  const got = valueAt(raw, issue.path);
  if (typeof got === 'string') {
    // A text's length: never quote it (it may be a secret); name the variable it came from.
    const ref = /\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(got)?.[1];
    const size = issue.code === 'too_small' ? 'short' : 'long';
    return {
      path,
      message: `${ref ? `the value of \${${ref}} is` : 'is'} too ${size}: ${lowerFirst(issue.message)}.`,
      fix: ref ? `set ${ref} to a ${size === 'short' ? 'longer' : 'shorter'} value.` : fixFor(path),
    };
  }
  return {
    path,
    message: `${describe(got)} is out of range: ${lowerFirst(issue.message)}.`,
    fix: fixFor(path),
  };
}

function knownKeysAt(path: string, raw: unknown): string[] {
  if (/^services\.[^.]+$/.test(path))
    return ['name', 'url', 'method', 'headers', 'expect', 'timeout', 'recovery'];
  if (/^services\.[^.]+\.expect$/.test(path)) return ['status', 'body', 'json'];
  if (/^services\.[^.]+\.recovery$/.test(path)) {
    // The keys of the provider the block names (each provider file declares its own).
    const provider = providerAt(raw, path.split('.'));
    const descriptor = providerDescriptors().find((d) => d.type === provider);
    const shape = descriptor ? Object.keys(shapeOf(descriptor.configSchema)) : [];
    if (shape.length > 0) return shape;
    return [...new Set(providerDescriptors().flatMap((d) => Object.keys(shapeOf(d.configSchema))))];
  }
  return [];
}

/** The keys of a zod object schema (`schema.def.shape`); none for any other schema. */
function shapeOf(schema: unknown): Record<string, unknown> {
  const shape = field(field(schema, 'def'), 'shape');
  return isObject(shape) ? shape : {};
}

/** The `provider` written in a `recovery` block, if it is a string. */
function providerAt(raw: unknown, recoveryPath: PropertyKey[]): string | undefined {
  const value = valueAt(raw, [...recoveryPath, 'provider']);
  return typeof value === 'string' ? value : undefined;
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

export function describe(value: unknown): string {
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
  return Object.hasOwn(names, expected) ? names[expected] : expected;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '');

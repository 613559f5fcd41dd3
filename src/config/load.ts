import { codeOf } from '../util/fields.js';
import { clearTokenProblems } from '../monitors/heartbeat.js';
import { readFile } from 'node:fs/promises';
import { parseDocument, YAMLParseError } from 'yaml';
import { rememberExpandedSecrets } from '../util/redact.js';
import { secretForms } from '../util/secrets.js';
import { describe, describeIssues } from './describe.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import {
  bareDurationWarnings,
  credentialUrlProblems,
  expansionProblem,
  MAX_ALIAS_COUNT,
  MAX_CONFIG_BYTES,
  prototypeKeyProblems,
  slowThresholdProblems,
} from './guards.js';
import { envReferenceProblem, policyProblems, type HostedPolicy } from './policy.js';
import { configSchema, toConfig, TUNING_KEYS, type Config } from './schema.js';
import { seedConfigInput } from './seed.js';

export const DEFAULT_CONFIG_PATH = '.github/uptime.yml';
/** `Config.source` of a config built from BACKEND_URL / COQUI_API_URL (docs/migrating.md), as messages name it. */
export const ENV_SOURCE = 'environment variables (BACKEND_URL, COQUI_API_URL)';

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of the raw config. A missing variable is a
 * problem naming the key, never a silent empty string. Under a hosted `policy`, a variable outside
 * `UPTIME_CONFIG_ENV` is a problem (even with a default: its value would leave through the URL or headers).
 */
export function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[] = [],
  problems: ConfigProblem[] = [],
  used: Map<string, string> = new Map(),
  policy?: HostedPolicy,
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (whole, name: string, fallback?: string) => {
        const refused = envReferenceProblem(policy, name, path.join('.'));
        if (refused) {
          problems.push(refused);
          return whole;
        }
        const found = Object.hasOwn(env, name) ? env[name] : undefined;
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
    return value.map((v, i) => expandEnv(v, env, [...path, String(i)], problems, used, policy));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], problems, used, policy)]),
    );
  }
  return value;
}

/** Options of the config parsers. */
export interface ParseOptions {
  /** The hosted bot's policy (`hostedPolicyFromEnv`); none for the Action and the CLI (the user's own config). */
  policy?: HostedPolicy;
}

/**
 * Validates a raw config (already parsed from YAML, or built from the seed's variables) into `Config`;
 * `config.warnings` lists what is valid but probably a mistake (`timeout: 10`).
 * @throws ConfigError naming every problem.
 */
export function parseConfig(
  raw: unknown,
  source: string,
  env: NodeJS.ProcessEnv = {},
  options: ParseOptions = {},
): Config {
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [
      {
        path: '',
        message: `the file must be a YAML mapping with a services: key, not ${describe(raw)}.`,
        fix: 'see the configuration reference in the README.',
      },
    ]);
  }
  const tooBig = expansionProblem(raw);
  if (tooBig) throw new ConfigError(source, [tooBig]);
  const keyProblems = [...prototypeKeyProblems(raw), ...clearTokenProblems(raw)];
  if (keyProblems.length) throw new ConfigError(source, keyProblems);
  const expansionProblems: ConfigProblem[] = [];
  const used = new Map<string, string>();
  const expanded = expandEnv(raw, env, [], expansionProblems, used, options.policy);
  if (expansionProblems.length) throw new ConfigError(source, expansionProblems);
  const hide = hider(used);
  const urlProblems = credentialUrlProblems(expanded);
  if (urlProblems.length) throw new ConfigError(source, urlProblems);
  const result = configSchema.safeParse(expanded);
  if (!result.success) {
    // Values are described from the unexpanded file (a value from the environment shows as ${NAME}), and
    // zod's own messages have every expanded value replaced by its reference.
    const problems = describeIssues(result.error.issues, raw).map((p) => ({
      ...p,
      message: hide(p.message),
    }));
    throw new ConfigError(source, problems);
  }
  const checks = [
    ...policyProblems(result.data.services, options.policy),
    ...slowThresholdProblems(result.data.slowResponseThreshold, result.data.services),
  ];
  if (checks.length) throw new ConfigError(source, checks);
  const config = toConfig(result.data, source);
  if ('problems' in config) throw new ConfigError(source, config.problems);
  const warnings = bareDurationWarnings(raw);
  if (warnings.length) config.warnings = warnings;
  rememberExpandedSecrets(config, used.keys());
  return config;
}

/** Replaces each expanded value, in every form it can take in a message (JSON-escaped, encoded), with its `${NAME}`. */
function hider(used: Map<string, string>): (text: string) => string {
  const pairs: Array<[string, string]> = [];
  for (const [value, ref] of used) {
    if (value.length < 3) continue;
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), ...secretForms(value)]);
    for (const form of forms) pairs.push([form, ref]);
  }
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((t, [form, ref]) => (t.includes(form) ? t.split(form).join(ref) : t), text);
}

/** Parses YAML text into a `Config`. @throws ConfigError with the line of a YAML syntax error. */
export function parseConfigText(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv = {},
  options: ParseOptions = {},
): Config {
  return parseConfig(parseConfigYaml(text, source), source, env, options);
}

/**
 * The config file's YAML as plain data, not yet validated nor expanded (`${VAR}` still as written), with the
 * same size and alias limits as {@link parseConfigText}. @throws ConfigError with the line of a syntax error.
 */
export function parseConfigYaml(text: string, source: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw new ConfigError(source, [
      {
        path: '',
        message: `is ${Buffer.byteLength(text, 'utf8')} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes (1 MiB).`,
        fix: 'a config is a few kilobytes: remove what is not a service or a setting.',
      },
    ]);
  }
  let raw: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) throw doc.errors[0];
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (/alias count/i.test(reason)) {
      throw new ConfigError(source, [
        {
          path: '',
          message: `expands too much once YAML aliases (*name) are resolved (more than ${MAX_ALIAS_COUNT} alias uses).`,
          fix: 'write each service out, or use fewer aliases; a config is a few kilobytes.',
        },
      ]);
    }
    throw new ConfigError(source, [
      {
        path: '',
        message: `is not valid YAML${where}: ${reason}`,
        fix: 'check the indentation and quoting on that line.',
      },
    ]);
  }
  return raw;
}

export interface LoadOptions {
  /** Config file path (default `.github/uptime.yml`). */
  path?: string;
  /** Whether the path was given explicitly: then a missing file is an error, not a fall-back to the seed's variables. */
  explicit?: boolean;
  env?: NodeJS.ProcessEnv;
  readText?: (path: string) => Promise<string>;
  /** The hosted bot's policy; the Action and the CLI pass none (unrestricted). */
  policy?: HostedPolicy;
  /**
   * Picks what to validate from the raw config (file or seed variables) before `${VAR}` expansion, e.g.
   * `siteConfigInput` for the status page, which needs no secret. @default the whole config
   */
  select?: (raw: unknown) => unknown;
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
    if (codeOf(error) !== 'ENOENT') throw error;
  }
  const select = options.select ?? ((raw: unknown) => raw);
  if (text !== undefined)
    return parseConfig(select(parseConfigYaml(text, path)), path, env, { policy: options.policy });
  const seed = options.explicit ? undefined : seedConfigInput(env);
  if (seed) return parseConfig(select(seed), ENV_SOURCE, env, { policy: options.policy });
  throw new ConfigError(path, [
    {
      path: '',
      message: options.explicit
        ? 'the file does not exist.'
        : 'no config file, and neither BACKEND_URL nor COQUI_API_URL is set.',
      fix: `create ${path} with \`uptime-action init\` (the README's five-minute setup), or set BACKEND_URL / COQUI_API_URL (docs/migrating.md).`,
    },
  ]);
}

export { TUNING_KEYS, describeIssues };

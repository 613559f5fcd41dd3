/**
 * The one redactor for every exit (issue and comment bodies, state writes, outputs, job summary, logs,
 * notifications), plus `displayUrl` for URLs and `neutralize` for text echoed from a comment or an endpoint.
 */
import { makeRedactor, registerSecretEnv, secretValues } from './secrets.js';

/** Values the config loader expanded from `${VAR}`, per loaded config object (kept off the public type). */
const expandedByConfig = new WeakMap<object, string[]>();

/** Records the values a config expanded from the environment (called by the config loader). */
export function rememberExpandedSecrets(config: object, values: Iterable<string>): void {
  expandedByConfig.set(config, [...values]);
}

/** The values `config` expanded from `${VAR}` (empty for a config built by hand). */
export function expandedSecrets(config: object | undefined): string[] {
  return (config && expandedByConfig.get(config)) ?? [];
}

/** What {@link createRedactor} knows about. */
export interface RedactorSources {
  /** Environment: every known token variable's value is hidden. */
  env?: NodeJS.ProcessEnv;
  /** A loaded config: every value expanded from `${VAR}` and every `recovery.secretEnv` value is hidden. */
  config?: { services: Record<string, { recovery?: { provider: string } & Record<string, unknown> }> };
  /** More values to hide (an installation token, a GitHub token input). */
  extra?: Array<string | undefined>;
}

/**
 * The redactor every face and layer uses: `(text) => text` with every secret (and its base64 and URL
 * encodings) replaced by `***`. Build it once after the config is loaded and pass it to every writer.
 */
export function createRedactor(sources: RedactorSources = {}): (text: string) => string {
  const env = sources.env ?? {};
  const extra = [...(sources.extra ?? [])];
  if (sources.config) {
    extra.push(...expandedSecrets(sources.config));
    for (const service of Object.values(sources.config.services)) {
      const name = service.recovery?.secretEnv;
      if (typeof name === 'string') {
        registerSecretEnv([name]);
        extra.push(env[name]);
      }
    }
  }
  return makeRedactor(secretValues(env, extra));
}

/** Redacts every string inside a JSON-like value (state before it is written, outputs). */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}

/**
 * A URL as it may be shown: scheme, host, port and path, without user, password, query or fragment
 * (`https://user:pw@api.example.com/health?token=x` → `https://api.example.com/health`).
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' && !url.endsWith('/') ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Makes text from a comment or an endpoint inert in GitHub Markdown: HTML stripped, `@` mentions broken
 * with a zero-width space, Markdown links, images and autolinks defused, backticks escaped.
 */
export function neutralize(text: string): string {
  return String(text)
    .replace(/<[^>]*>/g, '')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\\/g, '\\\\')
    .replace(/[`[\]]/g, (c) => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//')
    .replace(/\bwww\./gi, 'www[.]');
}

/** A short, redacted, neutralised excerpt of what an endpoint answered (at most `max` characters). */
export function excerpt(text: string, redact: (text: string) => string = (t) => t, max = 100): string {
  const safe = neutralize(redact(String(text)).replace(/\s+/g, ' ').trim());
  if (safe.length <= max) return safe;
  return `${safe.slice(0, max - 1).replace(/\\+$/, '')}…`;
}

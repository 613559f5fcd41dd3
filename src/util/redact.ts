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
  /** More variable names whose values are secrets (the provider registry's `secretEnv` lists). */
  names?: string[];
}

/**
 * The redactor every face and layer uses: `(text) => text` with every secret (and its base64 and URL
 * encodings) replaced by `***`. Build it once after the config is loaded and pass it to every writer.
 */
export function createRedactor(sources: RedactorSources = {}): (text: string) => string {
  const env = sources.env ?? {};
  const extra = [...(sources.extra ?? []), ...(sources.names ?? []).map((name) => env[name])];
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
  // Strings stay strings, arrays arrays and objects keep their keys, so the value keeps its type T; the
  // compiler can't follow that through the recursion over `unknown`, hence this one cast.
  return redactJson(value, redact) as T;
}

function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactJson(v, redact);
    return out;
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
 * with a zero-width space, Markdown links, images and autolinks defused, backticks escaped; with `issueRefs`
 * also `#12` references (a reply that shows the text again must not link or notify another issue).
 */
export function neutralize(text: string, options: { issueRefs?: boolean } = {}): string {
  const inert = String(text)
    .replace(/<[^>]*>/g, '')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\\/g, '\\\\')
    .replace(/[`[\]]/g, (c) => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//')
    .replace(/\bwww\./gi, 'www[.]');
  return options.issueRefs ? inert.replace(/#(\d)/g, '#\u200b$1') : inert;
}

/** A short, redacted, neutralised excerpt of what an endpoint answered (at most `max` characters). */
export function excerpt(text: string, redact: (text: string) => string = (t) => t, max = 100): string {
  const safe = neutralize(redact(String(text)).replace(/\s+/g, ' ').trim());
  if (safe.length <= max) return safe;
  return `${safe.slice(0, max - 1).replace(/\\+$/, '')}…`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Longest log line kept (characters); the rest is cut with `…`. */
export const MAX_LOG_LINE = 500;

/**
 * Credential shapes that turn up in application logs although no variable of ours holds them: bearer
 * tokens, Stripe (`sk_live_…`), OpenAI-like (`sk-…`), AWS (`AKIA…`), GitHub (`ghp_…`), GitLab (`glpat-…`),
 * Google (`AIza…`), SendGrid (`SG.…`) and Slack (`xoxb-…`) keys, JWTs, PEM private keys, cookies, an
 * authorization value with or without a scheme, the password of a URL (`://user:pass@`, `redis://:pw@`), and
 * `name=value` for names that say secret (quoted with spaces, JSON-escaped, URL-encoded). Each is replaced,
 * keeping its label so the line stays readable.
 */
const SECRET_NAME =
  '[A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_-]*';
/** `=`, `:`, their URL encodings, and quotes around the name or the value (also JSON-escaped: `\"`). */
const SEPARATOR = `(?:\\\\?["'])?\\s*(?:[=:]|%3[DdAa])\\s*`;
const LOG_SECRET_PATTERNS: Array<[RegExp, string]> = [
  // A PEM private key on one line, and a line that is only a PEM body (64 base64 characters).
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '$1***$2'],
  [/^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9+/])\s*[A-Za-z0-9+/]{40,}={0,2}\s*$/g, '***'],
  [/\b([sr]k_(?:live|test)_)[A-Za-z0-9]{8,}/g, '$1***'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, 'AKIA***'],
  [/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/g, '$1***'],
  [/\b(glpat-)[A-Za-z0-9_-]{20,}/g, '$1***'],
  [/\bAIza[0-9A-Za-z_-]{35}/g, 'AIza***'],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, 'SG.***'],
  [/\b(xox[abpors]-)[A-Za-z0-9-]{10,}/g, '$1***'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '***JWT***'],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  // An authorization header's value without a scheme, and every cookie of a Cookie / Set-Cookie header.
  [
    /\b((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\s|\*\*\*)[^\s"',;]{8,}/gi,
    '$1***',
  ],
  [/\b((?:Set-)?Cookie["']?\s*:\s*)[^\r\n"]+/gi, '$1***'],
  // The password of a URL, with or without a user (`redis://:pw@host`).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, '$1:***@'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'sk-***'],
  // `key="a quoted value with spaces"` (also JSON-escaped): the whole quoted value.
  [new RegExp(`\\b(${SECRET_NAME}${SEPARATOR})(\\\\?["'])(?!\\*\\*\\*)(.*?)\\2`, 'gi'), '$1$2***$2'],
  // `key=value` / `"key": "value"` for names that say secret, also inside longer names (`DB_PASSWORD=`).
  [
    new RegExp(
      `\\b(${SECRET_NAME}${SEPARATOR}(?:\\\\?["'])?)(?!(?:Bearer|Basic|Token)\\s|\\*\\*\\*)([^\\s"'&,;\\\\]+)`,
      'gi',
    ),
    '$1***',
  ],
];

/**
 * One log line from a platform, safe to put in an incident: the known secrets removed by `redact` (the
 * shared redactor), then every pattern of {@link LOG_SECRET_PATTERNS}, control characters dropped and the
 * line cut to {@link MAX_LOG_LINE} characters. Not neutralised for Markdown: the writer does that.
 */
export function redactLogLine(line: string, redact: (text: string) => string = (t) => t): string {
  let out = redact(String(line)).replace(ANSI, '').replace(CONTROL, '');
  for (const [pattern, replacement] of LOG_SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_LOG_LINE ? `${out.slice(0, MAX_LOG_LINE - 1)}…` : out;
}

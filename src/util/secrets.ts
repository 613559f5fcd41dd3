/**
 * Secrets (provider tokens, webhook secret, private key) must never reach a log, summary, issue or error.
 * Every face builds one redactor from the environment and passes text through it before it leaves.
 * `src/util/redact.ts` builds on this: the redactor of a loaded config, `displayUrl`, `neutralize`.
 */
export const SECRET_ENV_NAMES = [
  'RAILWAY_TOKEN',
  'RAILWAY_API_TOKEN',
  'LEGACY_TOKEN',
  'RENDER_API_KEY',
  'FLY_API_TOKEN',
  'FLY_ACCESS_TOKEN',
  'HEROKU_API_KEY',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'INPUT_GITHUB-TOKEN',
  'INPUT_GITHUB_TOKEN',
  'WEBHOOK_SECRET',
  'PRIVATE_KEY',
  'UPTIME_WEBHOOK_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
  'DISCORD_WEBHOOK_URL',
  'SMEE_URL',
] as const;

/** Names added at run time (a provider's `secretEnv`, a notifier's variables); see {@link registerSecretEnv}. */
const registered = new Set<string>();

/**
 * Adds environment variable names whose values are secrets, e.g. the provider registry's `secretEnv` list or
 * a service's `recovery.secretEnv`. Every later {@link secretValues} call includes them.
 */
export function registerSecretEnv(names: Iterable<string | undefined>): void {
  for (const name of names) if (name) registered.add(name);
}

/** Every secret variable name known now: the fixed list plus the registered ones. */
export function secretEnvNames(): string[] {
  return [...new Set<string>([...SECRET_ENV_NAMES, ...registered])];
}

/** The secret values present in `env` (only values of 4+ characters, to avoid scrubbing ordinary words). */
export function secretValues(env: NodeJS.ProcessEnv, extra: Array<string | undefined> = []): string[] {
  const values = [...secretEnvNames().map((name) => env[name]), ...extra];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))];
}

/**
 * The forms a secret takes on the way out: as is, each long line of a multi-line one (a PEM key), its
 * base64 (standard and URL-safe, with and without padding, and inside a longer base64 text such as the
 * `api:KEY` of a Basic header), its hex and its URL encodings (`%20` and `+`).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) forms.add(line.trim());
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(encodeURI(secret));
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  for (const form of base64Inside(secret)) forms.add(form);
  return [...forms].filter((f) => f.length >= 4);
}

/**
 * The base64 characters that encode `secret` whatever comes before it in the encoded text (`api:KEY` in a
 * Basic header, `{"key":"KEY"}` in a blob): for each of the three alignments, the groups made only of the
 * secret's bytes. Shorter than 8 characters is left out (too likely to match by chance).
 */
function base64Inside(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil(offset / 3);
    const last = Math.floor((offset + bytes.length) / 3);
    const inside = encoded.slice(4 * first, 4 * last);
    if (inside.length >= 8) forms.push(inside);
  }
  return forms;
}

/**
 * Returns a function that replaces every secret value, in every form of {@link secretForms}, with `***`.
 * Matching is literal (split/join), so quotes, backslashes and regex specials are found exactly.
 */
export function makeRedactor(secrets: string[]): (text: string) => string {
  const pieces = new Set<string>();
  for (const s of secrets) if (s.length >= 4) for (const form of secretForms(s)) pieces.add(form);
  const sorted = [...pieces].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = String(text);
    for (const piece of sorted) if (out.includes(piece)) out = out.split(piece).join('***');
    return out;
  };
}

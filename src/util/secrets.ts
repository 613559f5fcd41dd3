/**
 * Secrets (provider tokens, webhook secret, private key) must never reach a log, summary, issue or error.
 * Every face builds one redactor from the environment and passes text through it before it leaves.
 */
export const SECRET_ENV_NAMES = [
  'RAILWAY_TOKEN',
  'RAILWAY_API_TOKEN',
  'LEGACY_TOKEN',
  'RENDER_API_KEY',
  'FLY_API_TOKEN',
  'HEROKU_API_KEY',
  'GITHUB_TOKEN',
  'INPUT_GITHUB-TOKEN',
  'WEBHOOK_SECRET',
  'PRIVATE_KEY',
  'UPTIME_WEBHOOK_SECRET',
] as const;

/** The secret values present in `env` (only values of 4+ characters, to avoid scrubbing ordinary words). */
export function secretValues(env: NodeJS.ProcessEnv, extra: Array<string | undefined> = []): string[] {
  const values = [...SECRET_ENV_NAMES.map((name) => env[name]), ...extra];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))];
}

/** Returns a function that replaces every secret value (and each line of a multi-line one) with `***`. */
export function makeRedactor(secrets: string[]): (text: string) => string {
  const pieces = new Set<string>();
  for (const s of secrets) {
    pieces.add(s);
    for (const line of s.split(/\r?\n/)) if (line.trim().length >= 8) pieces.add(line.trim());
  }
  const sorted = [...pieces].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const piece of sorted) out = out.split(piece).join('***');
    return out;
  };
}

import { createPrivateKey } from 'node:crypto';
import { getPrivateKey } from '@probot/get-private-key';

/**
 * The bot's start-up settings, checked before Probot sees them, so a bad value gets a message that names the
 * variable and the fix instead of Probot's "privateKey option is required". The key itself is never printed.
 */

/** A setting the bot can't start with; `npm run bot` prints the message and exits 2. */
export class BotEnvError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(
      `The bot can't start:\n${problems.map((p) => `- ${p}`).join('\n')}\nSee docs (GitHub App) or the README's "Slash commands and the GitHub App".`,
    );
    this.name = 'BotEnvError';
  }
}

/** The problem with APP_ID, if any. */
export function appIdProblem(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '')
    return "APP_ID is not set: copy the App ID from the app's settings page (https://github.com/settings/apps/<your-app>).";
  if (!/^\d+$/.test(value.trim()))
    return "APP_ID is not a number: it is the numeric App ID on the app's settings page, not the app's name or client ID.";
  return undefined;
}

/** The problem with PRIVATE_KEY / PRIVATE_KEY_PATH, if any. Never quotes the value. */
export function privateKeyProblem(env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)
    return "PRIVATE_KEY is not set: generate a private key on the app's settings page and paste the .pem file's contents into PRIVATE_KEY, or set PRIVATE_KEY_PATH to the .pem file.";
  const name = env.PRIVATE_KEY ? 'PRIVATE_KEY' : 'PRIVATE_KEY_PATH';
  let pem: string | null;
  try {
    pem = getPrivateKey({
      env: { PRIVATE_KEY: env.PRIVATE_KEY, PRIVATE_KEY_PATH: env.PRIVATE_KEY_PATH },
      cwd,
    });
  } catch {
    return name === 'PRIVATE_KEY'
      ? `PRIVATE_KEY is not a PEM private key: paste the .pem file's contents (from "-----BEGIN RSA PRIVATE KEY-----" to the END line), or set PRIVATE_KEY_PATH to the file.`
      : `PRIVATE_KEY_PATH points to no file: give the path of the .pem file downloaded from the app's settings page.`;
  }
  try {
    createPrivateKey(pem ?? '');
    return undefined;
  } catch {
    const escaped = /\\\\n|\\n/.test(env.PRIVATE_KEY ?? '');
    return escaped
      ? `${name} has escaped newlines (\\n) that do not make a valid key: put the .pem file's contents with real line breaks (quote the value in .env), or set PRIVATE_KEY_PATH to the file.`
      : `${name} is not a PEM private key: paste the .pem file's contents, or set PRIVATE_KEY_PATH to the .pem file.`;
  }
}

/**
 * Checks the settings the server can't start without.
 * @throws BotEnvError naming each bad variable and how to fix it.
 */
export function checkBotEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): void {
  const problems = [appIdProblem(env.APP_ID), privateKeyProblem(env, cwd)].filter(
    (p): p is string => p !== undefined,
  );
  if (!env.WEBHOOK_SECRET)
    problems.push(
      'WEBHOOK_SECRET is not set: use the webhook secret set on the app (unsigned webhooks are refused).',
    );
  if (env.WEBHOOK_PROXY_URL && !/^https?:\/\//.test(env.WEBHOOK_PROXY_URL))
    problems.push('WEBHOOK_PROXY_URL is not a URL: use the channel URL from https://smee.io/new.');
  if (problems.length) throw new BotEnvError(problems);
}

/** The settings `unquoteEnvFile` may unquote: none of them can start and end with a quote. Not the secret. */
const UNQUOTED = [
  'APP_ID',
  'PRIVATE_KEY',
  'PRIVATE_KEY_PATH',
  'PORT',
  'HOST',
  'GHE_HOST',
  'GHE_PROTOCOL',
  'LOG_LEVEL',
  'WEBHOOK_PROXY_URL',
] as const;

/**
 * The environment with the quotes of a `.env` line removed where they came through: Probot's setup writes
 * `PRIVATE_KEY="-----BEGIN…\n…"`, and `docker run --env-file .env` passes values literally, quotes included
 * (docs/docker.md). Node's and Compose's .env readers remove them; this makes the three agree.
 */
export function unquoteEnvFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of UNQUOTED) {
    const value = out[name];
    if (value && value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      out[name] = value.slice(1, -1);
  }
  return out;
}

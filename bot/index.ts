import { existsSync, readFileSync } from 'node:fs';
import { run } from 'probot';
import { SmeeClient } from 'smee-client';
import { uptimeApp } from './app.js';
import { BotEnvError, unquoteEnvFile } from './env.js';
import { manifestProblems } from './manifest.js';
import { startBotServer } from './server.js';

/**
 * `npm run bot`: starts the GitHub App server. Reads `.env` when present (as `probot run` does), then the
 * standard Probot variables (the README's "Slash commands and the GitHub App"). Without APP_ID outside production it opens Probot's setup page,
 * which registers the app from app.yml (the manifest flow) and writes APP_ID, PRIVATE_KEY and
 * WEBHOOK_SECRET to `.env`; run it again afterwards. Stops cleanly on SIGINT / SIGTERM.
 */
if (existsSync('.env')) process.loadEnvFile('.env');

if (!process.env.APP_ID && process.env.NODE_ENV !== 'production') {
  const problems = existsSync('app.yml') ? manifestProblems(readFileSync('app.yml', 'utf8')) : [];
  if (problems.length > 0) {
    console.error(new BotEnvError(problems).message);
    process.exit(2);
  }
  console.log(
    'No APP_ID: starting the setup page to register the GitHub App from app.yml; run `npm run bot` again after.',
  );
  // The bundled smee-client, not Probot's download of it at run time (`npx`), for the webhook channel.
  await run(uptimeApp(), { SmeeClient });
} else {
  try {
    const bot = await startBotServer({ env: unquoteEnvFile(process.env) });
    const stop = async (signal: string) => {
      console.log(`${signal}: stopping the bot.`);
      await bot.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  } catch (error: unknown) {
    // A bad setting exits 2 with what to fix; the message never holds a key or secret.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof BotEnvError ? 2 : 1;
  }
}

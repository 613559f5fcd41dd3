import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createNodeMiddleware,
  createProbot,
  type ApplicationFunction,
  type Probot,
  type ProbotOctokit,
} from 'probot';
import { systemClock, type Clock } from '../src/util/clock.js';
import { makeRedactor, secretValues } from '../src/util/secrets.js';
import { probotLogger, uptimeApp, type UptimeAppOptions } from './app.js';
import { parseWatchRepos, startHostedWatch, type HostedWatchOptions } from './watch.js';

/**
 * The bot as a server: Probot's webhook middleware (signature verified, at `/api/github/webhooks`) on a
 * plain node:http server, plus `GET /ping` for hosts' health checks, plus the hosted watch when
 * `UPTIME_WATCH_REPOS` is set. Settings are the standard Probot variables.
 */

/** The standard Probot variables this server reads. */
export const BOT_ENV = [
  'APP_ID',
  'PRIVATE_KEY',
  'PRIVATE_KEY_PATH',
  'WEBHOOK_SECRET',
  'PORT',
  'HOST',
  'GHE_HOST',
  'GHE_PROTOCOL',
  'LOG_LEVEL',
] as const;

export interface BotServerOptions extends UptimeAppOptions {
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Tests pass an Octokit class without retries and throttling (TOOLCHAIN.md). */
  Octokit?: typeof ProbotOctokit;
  /** Hosted watch settings (reload and retry intervals). */
  watch?: Partial<HostedWatchOptions>;
}

export interface RunningBot {
  /** `http://host:port`. */
  url: string;
  server: Server;
  probot: Probot;
  close(): Promise<void>;
}

/**
 * Checks the settings the server can't start without and says which variable to set.
 * @throws Error naming each missing variable and where to get it.
 */
export function checkBotEnv(env: NodeJS.ProcessEnv): void {
  const missing: string[] = [];
  if (!env.APP_ID || !/^\d+$/.test(env.APP_ID))
    missing.push("APP_ID (the App ID on the app's settings page)");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)
    missing.push("PRIVATE_KEY or PRIVATE_KEY_PATH (generate a private key on the app's settings page)");
  if (!env.WEBHOOK_SECRET)
    missing.push('WEBHOOK_SECRET (the webhook secret set on the app; unsigned webhooks are refused)');
  if (missing.length)
    throw new Error(`The bot can't start: set ${missing.join('; ')}. See "2. Run it" in the README.`);
}

/** Starts the server; resolves once it listens. PORT 0 picks a free port (tests). */
export async function startBotServer(options: BotServerOptions): Promise<RunningBot> {
  const { env } = options;
  checkBotEnv(env);
  const clock = options.clock ?? systemClock;
  const repos = parseWatchRepos(env.UPTIME_WATCH_REPOS);
  const probot = createProbot({ env, overrides: options.Octokit ? { Octokit: options.Octokit } : {} });
  const redact = makeRedactor(secretValues(env));
  let hosted: { stop(): Promise<void> } | undefined;
  const appFn: ApplicationFunction = async (app, fnOptions) => {
    await uptimeApp({ ...options, clock })(app, fnOptions);
    if (repos.length) {
      hosted = startHostedWatch(app, repos, {
        logger: probotLogger(app.log, redact),
        env,
        clock,
        fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
        provider: options.provider,
        configPath: options.configPath,
        stateBranch: options.stateBranch,
        ...options.watch,
      });
    }
  };
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    void middleware(req, res, () => {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found. Webhooks go to /api/github/webhooks.');
    });
  });
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, env.HOST || undefined, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  probotLogger(probot.log, redact).info(
    `uptime-action bot listening on ${url}${repos.length ? `, watching ${repos.map((r) => `${r.owner}/${r.repo}`).join(', ')}` : ''}.`,
  );
  return {
    url,
    server,
    probot,
    async close() {
      await hosted?.stop();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
    },
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProbot, type Probot, type ProbotOctokit } from 'probot';
import type { Logger as PinoLogger } from 'pino';
import type { RepoRef } from '../src/github/client.js';
import { systemClock, type Clock } from '../src/util/clock.js';
import { makeRedactor, secretValues } from '../src/util/secrets.js';
import { probotLogger, uptimeApp, type UptimeAppOptions } from './app.js';
import { checkBotEnv } from './env.js';
import { createReceiver, type Receiver } from './receiver.js';
import { startWebhookProxy } from './proxy.js';
import { parseWatchRepos, startHostedWatch, type HostedWatchOptions } from './watch.js';
import { Listener, repositoryEventsPath } from '../src/events/listener.js';
import { followScaleEvents, startScaleCoordinator, type ScaleCoordinator } from './scale.js';

/**
 * The bot as a server: a bounded webhook receiver (bot/receiver.ts: 413 above 25 MB, signature before
 * parsing, each delivery once, answered before the handlers run) at `/api/github/webhooks` feeding Probot,
 * on a plain node:http server with header and request timeouts, plus `GET /ping` for hosts' health checks,
 * the hosted watch when `UPTIME_WATCH_REPOS` is set, and a smee.io forwarder when `WEBHOOK_PROXY_URL` is set.
 * Settings are the standard Probot variables.
 */

/** Where GitHub posts webhooks (Probot's default path). */
export const WEBHOOK_PATH = '/api/github/webhooks';

/** Time limits of the HTTP server; a slow or stalled client is cut off by them. */
export interface ServerLimits {
  /** The request's headers must arrive within this. @default 10000 */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this. @default 30000 */
  requestTimeoutMs: number;
  /** Largest webhook body. @default 25 MiB */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxBodyBytes: 25 * 1024 * 1024,
};

export interface BotServerOptions extends UptimeAppOptions {
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Tests pass an Octokit class without retries and throttling (TOOLCHAIN.md). */
  Octokit?: typeof ProbotOctokit;
  /** Hosted watch settings (reload and retry intervals). */
  watch?: Partial<HostedWatchOptions>;
  /** Time and size limits (tests shorten them). */
  limits?: Partial<ServerLimits>;
  /** Probot's logger (tests capture what is logged). */
  log?: PinoLogger;
  /** Heartbeat and platform-event routes (tests pass one with their own clock and limits). @default a new Listener */
  listener?: Listener;
}

export interface RunningBot {
  /** `http://host:port`. */
  url: string;
  server: Server;
  probot: Probot;
  /** Resolves when every accepted delivery has been handled (replies posted). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export { BotEnvError, checkBotEnv } from './env.js';

/** Starts the server; resolves once it listens. PORT 0 picks a free port (tests). */
export async function startBotServer(options: BotServerOptions): Promise<RunningBot> {
  const { env } = options;
  checkBotEnv(env);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const probot = createProbot({
    env,
    overrides: {
      ...(options.Octokit && { Octokit: options.Octokit }),
      ...(options.log && { log: options.log }),
    },
  });
  const redact = makeRedactor(secretValues(env));
  // Heartbeats (`/ping/<token>`) and platform events (`/events/<owner>/<repo>/<key>`, the key derived from
  // WEBHOOK_SECRET: src/events/listener.ts) for the watched repositories.
  const listener = options.listener ?? new Listener();
  const repos = parseWatchRepos(env.UPTIME_WATCH_REPOS);
  const watching: { hosted?: { stop(): Promise<void> } } = {};
  await probot.load(async (app, fnOptions) => {
    await uptimeApp({ ...options, clock: options.clock ?? systemClock })(app, fnOptions);
    watching.hosted = startWatching(app, options, { repos, listener, redact });
  });
  const receiver: Receiver = createReceiver({
    verify: (body, signature) => probot.webhooks.verify(body, signature),
    // Straight to the webhooks (probot.load has run): Probot's own `receive` logs the whole event at debug level.
    receive: (delivery) => probot.webhooks.receive(delivery as Parameters<Probot['receive']>[0]),
    logger: probotLogger(probot.log, redact),
    maxBytes: limits.maxBodyBytes,
    bodyTimeoutMs: limits.requestTimeoutMs,
  });
  const server = httpServer(limits, receiver, listener);
  const { url, host, port } = await listen(server, env);
  probotLogger(probot.log, redact).info(
    `uptime-action bot listening on ${url}${repos.length ? `, watching ${repos.map((r) => `${r.owner}/${r.repo}`).join(', ')}` : ''}.`,
  );
  const proxy = env.WEBHOOK_PROXY_URL
    ? await startWebhookProxy({
        source: env.WEBHOOK_PROXY_URL,
        target: `http://${host}:${port}${WEBHOOK_PATH}`,
        logger: probotLogger(probot.log, redact),
      })
    : undefined;
  return {
    url,
    server,
    probot,
    idle: () => receiver.idle(),
    close: () => closeAll([proxy, watching.hosted], receiver, server),
  };
}

/** Stops the forwarder and the watch, lets accepted deliveries finish, then closes the server. */
async function closeAll(
  stoppable: Array<{ stop(): Promise<void> } | undefined>,
  receiver: Receiver,
  server: Server,
): Promise<void> {
  for (const s of stoppable) await s?.stop();
  await receiver.idle();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
}

/**
 * What the bot watches itself: with `UPTIME_REDIS_URL`, the scale-out coordinator (docs/scale-out.md: the
 * repositories scheduled on BullMQ, `uptime-action worker`s sweep them); else the hosted watch of
 * `UPTIME_WATCH_REPOS`; else nothing.
 */
function startWatching(
  app: Probot,
  options: BotServerOptions,
  { repos, listener, redact }: { repos: RepoRef[]; listener: Listener; redact: (text: string) => string },
): { stop(): Promise<void> } | undefined {
  const { env } = options;
  const clock = options.clock ?? systemClock;
  const fetch =
    options.fetch ?? ((...args: Parameters<typeof globalThis.fetch>) => globalThis.fetch(...args));
  if (env.UPTIME_REDIS_URL) {
    const coordinator: ScaleCoordinator = startScaleCoordinator(app, {
      redisUrl: env.UPTIME_REDIS_URL,
      repos,
      env,
      clock,
      logger: probotLogger(app.log, redact),
      fetch,
      configPath: options.configPath,
      stateBranch: options.stateBranch,
      reloadEveryMs: options.watch?.reloadEveryMs,
    });
    followScaleEvents(app, () => coordinator, options.configPath);
    return coordinator;
  }
  if (!repos.length) return undefined;
  return startHostedWatch(app, repos, {
    logger: probotLogger(app.log, redact),
    env,
    clock,
    fetch,
    provider: options.provider,
    configPath: options.configPath,
    stateBranch: options.stateBranch,
    listener,
    eventsPath: (ref) =>
      env.WEBHOOK_SECRET ? repositoryEventsPath(env.WEBHOOK_SECRET, ref.owner, ref.repo) : undefined,
    ...options.watch,
  });
}

/** The plain node:http server: `GET /ping`, the webhooks, heartbeats and platform events; 404 for the rest. */
function httpServer(limits: ServerLimits, receiver: Receiver, listener: Listener): Server {
  const server = createServer(
    // Node checks the request timeout on this interval (30 s by default, longer than the timeout itself).
    { connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) },
    (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/ping') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      } else if (req.method === 'POST' && path === WEBHOOK_PATH) {
        receiver.handle(req, res);
      } else if (listener.handle(req, res)) {
        // a heartbeat ping or a platform event
      } else {
        res.on('finish', () => req.destroy());
        res
          .writeHead(404, { 'content-type': 'text/plain', connection: 'close' })
          .end(`Not found. Webhooks go to ${WEBHOOK_PATH}.`);
      }
    },
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  return server;
}

/** Listens on `PORT` (default 3000) and `HOST`; the URL it answers on. */
async function listen(server: Server, env: NodeJS.ProcessEnv) {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, env.HOST || undefined, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, host, port: address.port };
}

/**
 * The listening routes shared by the bot's server and `uptime-action watch --listen`:
 *
 * - `POST /ping/<token>` (also `GET`/`HEAD`, as healthchecks.io clients send), `/ping/<token>/start`,
 *   `/ping/<token>/fail` and `/ping/<token>/<exit status>`: heartbeats (src/monitors/heartbeat.ts).
 * - `POST /events/<key>`: a platform's webhook (Railway, Render, Heroku; src/events). The key is unguessable and
 *   per repository; an event only makes the affected services' next check happen now.
 *
 * Tokens and keys are never logged nor echoed; both are looked up by digest and compared in constant time.
 * Each token and key has a request budget, and each client address a budget of wrong guesses (429 beyond).
 */
import { codeOf } from '../util/fields.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/schema.js';
import { HeartbeatBook, tokenDigest, type HeartbeatView, type PingKind } from '../monitors/heartbeat-book.js';
import type { Logger } from '../util/logger.js';
import { CheckNow } from './check-now.js';
import { parsePlatformEvent, servicesFor, type PlatformEvent } from './index.js';

/** Largest event body read. @default 256 KiB (Railway's and Render's payloads are a few KB) */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Request budgets. A right token or key is limited per token or key, never by what others send: behind a
 * proxy every client has the same address, and a guesser must not be able to silence real pings (a silenced
 * heartbeat would be "missed" and restarted). Wrong tokens and keys are limited per client address.
 */
export interface ListenerLimits {
  /** Requests per window for one token or events key. @default 120 */
  requests: number;
  /** Wrong tokens or keys per client address per window × 6. @default 10 (a minute) */
  misses: number;
  /** @default 10 s */
  windowMs: number;
}

const DEFAULT_LIMITS: ListenerLimits = { requests: 120, misses: 10, windowMs: 10_000 };

/** A fixed-window counter per key (bounded: cleared when it holds too many keys). */
class Budget {
  private readonly counts = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}
  /** Counts one; false when the key is over its budget. */
  take(key: string): boolean {
    const now = this.now();
    const known = this.counts.get(key);
    if (!known || now - known.start >= this.windowMs) {
      if (this.counts.size > 50_000) this.counts.clear();
      this.counts.set(key, { start: now, count: 1 });
      return true;
    }
    known.count++;
    return known.count <= this.limit;
  }
}

interface Target {
  owner: string;
  config: Config;
  checkNow: CheckNow;
  logger?: Logger;
  digest?: Buffer;
  /** The latest events per service (for the incident's forensics and `doctor`). */
  recent: Map<string, Array<PlatformEvent & { at: number }>>;
}

/** What a face gets from {@link Listener.attach}. */
export interface Attachment {
  /** Wait on it between sweeps (`watch({ checkNow })`). */
  checkNow: CheckNow;
  /** Pass it to the probe (`heartbeats`). */
  heartbeats: HeartbeatView;
  /** Platform events received for a service, newest last (at most 5). */
  recentEvents(service: string): Array<PlatformEvent & { at: number }>;
  detach(): void;
}

const digestOf = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class Listener {
  readonly book: HeartbeatBook;
  private readonly owners = new Map<string, Target>();
  private readonly routes = new Map<string, Target>();
  private readonly requests: Budget;
  private readonly misses: Budget;
  private readonly now: () => number;

  constructor(options: { now?: () => number; limits?: Partial<ListenerLimits> } = {}) {
    this.now = options.now ?? Date.now;
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.book = new HeartbeatBook(this.now);
    this.requests = new Budget(limits.requests, limits.windowMs, this.now);
    this.misses = new Budget(limits.misses, limits.windowMs * 6, this.now);
  }

  /**
   * Serves `owner`'s config (a repository, or `local`): its heartbeats, and its platform events at
   * `/events/<eventsKey>` when a key is given. Attaching the same owner again (a config reload) replaces its
   * config and keeps the pings and the waiting checks.
   */
  attach(owner: string, config: Config, options: { eventsKey?: string; logger?: Logger } = {}): Attachment {
    const previous = this.owners.get(owner);
    if (previous?.digest) this.routes.delete(previous.digest.toString('hex'));
    const target: Target = {
      owner,
      config,
      checkNow: previous?.checkNow ?? new CheckNow(),
      logger: options.logger,
      recent: previous?.recent ?? new Map(),
    };
    if (options.eventsKey) {
      target.digest = digestOf(options.eventsKey);
      this.routes.set(target.digest.toString('hex'), target);
    }
    this.owners.set(owner, target);
    this.book.watch(owner, Object.values(config.services));
    return {
      checkNow: target.checkNow,
      heartbeats: this.book.view(owner),
      recentEvents: (service) => target.recent.get(service) ?? [],
      detach: () => {
        if (this.owners.get(owner) !== target) return;
        this.owners.delete(owner);
        if (target.digest) this.routes.delete(target.digest.toString('hex'));
        this.book.unwatch(owner);
      },
    };
  }

  /** Handles `/ping/...` and `/events/...`; false for any other path (the caller answers it). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    const isPing = path.startsWith('/ping/');
    if (!isPing && !path.startsWith('/events/')) return false;
    const client = req.socket.remoteAddress ?? 'unknown';
    if (isPing) this.ping(req, res, path.slice('/ping/'.length), client);
    else void this.event(req, res, path.slice('/events/'.length), client);
    return true;
  }

  /** A wrong token, key or path: 404, or 429 once this client sent too many in a minute. */
  private miss(req: IncomingMessage, res: ServerResponse, client: string): void {
    const allowed = this.misses.take(client);
    answer(
      req,
      res,
      allowed ? 404 : 429,
      allowed ? 'not found' : 'Too many wrong tokens or keys; slow down.',
    );
  }

  private ping(req: IncomingMessage, res: ServerResponse, rest: string, client: string): void {
    if (!['GET', 'HEAD', 'POST'].includes(req.method ?? ''))
      return answer(req, res, 405, 'Use POST (or GET).');
    const [token, suffix, extra] = rest.split('/');
    const kind: PingKind | undefined =
      suffix === undefined || suffix === ''
        ? 'success'
        : suffix === 'start'
          ? 'start'
          : suffix === 'fail'
            ? 'fail'
            : /^\d{1,3}$/.test(suffix)
              ? Number(suffix) === 0
                ? 'success'
                : 'fail'
              : undefined;
    if (!token || kind === undefined || extra !== undefined) return this.miss(req, res, client);
    const hex = tokenDigest(token).toString('hex');
    if (!this.book.knows(token)) return this.miss(req, res, client);
    if (!this.requests.take(`ping:${hex}`)) return answer(req, res, 429, 'Too many pings; slow down.');
    const reached = this.book.ping(token, kind);
    // A reported failure is checked at once (the job said so; no need to wait for the deadline).
    if (kind === 'fail')
      for (const { owner, service } of reached) this.owners.get(owner)?.checkNow.request([service]);
    answer(req, res, 200, 'OK');
  }

  private async event(req: IncomingMessage, res: ServerResponse, key: string, client: string): Promise<void> {
    if (req.method !== 'POST') return answer(req, res, 405, 'Use POST.');
    const digest = digestOf(key);
    const target = this.routes.get(digest.toString('hex'));
    if (!target || !target.digest || !timingSafeEqual(target.digest, digest))
      return this.miss(req, res, client);
    if (!this.requests.take(`events:${digest.toString('hex')}`))
      return answer(req, res, 429, 'Too many events; slow down.');
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_EVENT_BYTES));
    } catch (error: unknown) {
      const tooBig = codeOf(error) === 'TOO_BIG';
      return answer(req, res, tooBig ? 413 : 400, tooBig ? 'Body too large.' : 'Body is not JSON.');
    }
    const event = parsePlatformEvent(body);
    if (!event) return answer(req, res, 400, 'Not a Railway, Render or Heroku event.');
    const services = servicesFor(Object.values(target.config.services), event);
    const at = this.now();
    for (const id of services)
      target.recent.set(id, [...(target.recent.get(id) ?? []), { ...event, at }].slice(-5));
    if (!event.alarming || services.length === 0) return answer(req, res, 202, 'Accepted; nothing to check.');
    target.logger?.info(
      `${event.platform} ${event.type} for ${services.join(', ')}${event.deployment ? ` (deployment ${event.deployment})` : ''}: checking now.`,
    );
    target.checkNow.request(services);
    answer(req, res, 202, `Accepted; checking ${services.length} service(s) now.`);
  }
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  req.resume();
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(text);
}

/** The body as text, at most `limit` bytes (rejects with code TOO_BIG beyond). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(Object.assign(new Error('too big'), { code: 'TOO_BIG' }));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The bot's per-repository events key: an HMAC of the repository's name under the bot's `WEBHOOK_SECRET`, so
 * it is unguessable, stable across restarts, and different for every repository. The path is
 * `/events/<owner>/<repo>/<key>`.
 */
export function repositoryEventsPath(secret: string, owner: string, repo: string): string {
  const key = createHmac('sha256', secret)
    .update(`uptime-action events ${owner}/${repo}`)
    .digest('base64url')
    .slice(0, 32);
  return `${owner}/${repo}/${key}`;
}

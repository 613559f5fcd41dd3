import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../src/util/logger.js';

/**
 * The bot's webhook endpoint, in front of Probot: bounded body (413 above the cap, checked on
 * `Content-Length` before a byte is read and again while a chunked body streams), signature verified on the
 * raw text before it is parsed, each `X-GitHub-Delivery` handled at most once, and the answer (202) given
 * as soon as the delivery is accepted: the handlers (and a long recovery) run after it, inside GitHub's 10 s.
 * No body, header value or payload field is ever logged: only the delivery id, the event name and the reason.
 */

/** GitHub's own cap on a webhook payload. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** One accepted delivery, parsed. */
export interface AcceptedDelivery {
  id: string;
  name: string;
  payload: unknown;
}

export interface ReceiverOptions {
  /** Checks `X-Hub-Signature-256` against the raw body (Probot's `webhooks.verify`). */
  verify(body: string, signature: string): Promise<boolean>;
  /** Runs the handlers of an accepted delivery (Probot's `receive`); called after the answer is sent. */
  receive(delivery: AcceptedDelivery): Promise<void>;
  logger: Logger;
  /** @default 25 MiB */
  maxBytes?: number;
  /** How many recent delivery ids are remembered. @default 5000 */
  rememberDeliveries?: number;
  /** The whole body must arrive within this; a slow sender is cut off. @default 30000 */
  bodyTimeoutMs?: number;
  /** After a 413, what is still arriving is discarded for at most this long. @default bodyTimeoutMs */
  drainMs?: number;
  /** After a 413, at most this many bytes are discarded before the connection closes. @default 2 × maxBytes */
  drainBytes?: number;
}

/** The receiver: a request handler plus `idle()`, which resolves once every accepted delivery has been handled. */
export interface Receiver {
  handle(req: IncomingMessage, res: ServerResponse): void;
  idle(): Promise<void>;
}

/** A bounded set of recent ids, oldest forgotten first (a Map keeps insertion order). */
export class RecentIds {
  readonly #ids = new Map<string, true>();
  constructor(private readonly limit: number) {}
  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.set(id, true);
    if (this.#ids.size > this.limit) this.#ids.delete(this.#ids.keys().next().value!);
    return true;
  }
  get size(): number {
    return this.#ids.size;
  }
}

class BodyTooLarge extends Error {}

function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

/** How a refused oversized body is drained before the connection closes (nginx's "lingering close"). */
interface Drain {
  /** Most bytes read and discarded after the 413. */
  bytes: number;
  /** Longest the drain lasts. */
  ms: number;
  /** The drain stops when nothing arrives for this long. */
  idleMs: number;
}

/**
 * Answers `status` (a 413, a 400) with `Connection: close`, then reads and discards what the client is still sending
 * (bounded by `drain`) before the connection closes. Closing a socket with unread bytes makes the kernel
 * send a reset, and a client that has not read the 413 yet (a busy machine) would see ECONNRESET instead
 * of the answer; draining first gives it a clean end of stream. Nothing read is kept.
 */
function refuseAndDrain(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  drain: Drain,
): void {
  if (res.headersSent) return void req.destroy();
  const text = `${message}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  // The whole answer goes out now; `end()` (after which Node closes the socket) waits for the drain.
  res.write(text);
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(total);
    clearTimeout(idle);
    req.off('data', discard);
    res.end();
    // Still sending past the bounds: stop reading and let the close reset the rest.
    if (!req.complete) res.once('finish', () => req.destroy());
  };
  const discard = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drain.bytes) finish();
    else idle.refresh();
  };
  const total = setTimeout(finish, drain.ms);
  const idle = setTimeout(finish, Math.min(drain.idleMs, drain.ms));
  total.unref();
  idle.unref();
  req.on('data', discard);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}

/** Reads the body up to `maxBytes`. @throws BodyTooLarge past the cap (the caller drains the rest). */
function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Node's requestTimeout is checked on an interval and only while the server polls; this deadline is ours.
    const deadline = setTimeout(() => {
      reject(new Error(`the body did not arrive within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    deadline.unref();
    const settle = () => clearTimeout(deadline);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        settle();
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.once('end', settle);
    req.once('close', settle);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('the client closed the connection')));
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** What one receiver knows while it handles requests. */
interface ReceiverContext {
  options: ReceiverOptions;
  logger: Logger;
  maxBytes: number;
  bodyTimeoutMs: number;
  drain: Drain;
  tooLarge: string;
  seen: RecentIds;
  running: Set<Promise<void>>;
}

/** Builds the receiver. */
export function createReceiver(options: ReceiverOptions): Receiver {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  const ctx: ReceiverContext = {
    options,
    logger: options.logger,
    maxBytes,
    bodyTimeoutMs,
    drain: { bytes: options.drainBytes ?? 2 * maxBytes, ms: options.drainMs ?? bodyTimeoutMs, idleMs: 2000 },
    tooLarge: `Payload too large: webhooks are at most ${maxBytes} bytes.`,
    seen: new RecentIds(options.rememberDeliveries ?? 5000),
    running: new Set<Promise<void>>(),
  };
  return {
    handle(req, res) {
      void handle(ctx, req, res).catch(() => {
        answer(res, 500, 'Internal error.');
      });
    },
    async idle() {
      while (ctx.running.size) await Promise.all(ctx.running);
    },
  };
}

/** Runs an accepted delivery's handlers after the answer; a failure is logged by its message only. */
function run(ctx: ReceiverContext, delivery: AcceptedDelivery): void {
  const task = ctx.options
    .receive(delivery)
    .catch((error: unknown) => {
      // Only the message: Probot's and @octokit/webhooks' errors carry the event (the whole payload).
      const errors = error instanceof AggregateError ? error.errors : [error];
      for (const e of errors) {
        const reason = e instanceof Error ? e.message.split('\n')[0] : 'unknown error';
        ctx.logger.error(`Delivery ${delivery.id} (${delivery.name}) failed: ${reason}`);
      }
    })
    .finally(() => ctx.running.delete(task));
  ctx.running.add(task);
}

/** The delivery's headers, or undefined when the request was refused (and answered) on them alone. */
function checkHeaders(ctx: ReceiverContext, req: IncomingMessage, res: ServerResponse) {
  const { logger, maxBytes } = ctx;
  const id = header(req, 'x-github-delivery');
  const name = header(req, 'x-github-event');
  const signature = header(req, 'x-hub-signature-256');
  const length = Number(header(req, 'content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    logger.warn(`Webhook refused: ${length} bytes is over the ${maxBytes}-byte cap (delivery ${id ?? '?'}).`);
    return refuseAndDrain(req, res, 413, ctx.tooLarge, ctx.drain);
  }
  if (!id || !name || !signature) {
    logger.warn(
      `Webhook refused: missing ${[!id && 'X-GitHub-Delivery', !name && 'X-GitHub-Event', !signature && 'X-Hub-Signature-256'].filter(Boolean).join(', ')}.`,
    );
    const text = 'Missing X-GitHub-Delivery, X-GitHub-Event or X-Hub-Signature-256.';
    return refuseAndDrain(req, res, 400, text, ctx.drain);
  }
  return { id, name, signature };
}

/** Headers, bounded body, signature, JSON, replay: then 202 and the handlers. */
async function handle(ctx: ReceiverContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { logger, maxBytes } = ctx;
  const headers = checkHeaders(ctx, req, res);
  if (!headers) return;
  const { id, name, signature } = headers;
  let body: string;
  try {
    body = await readBody(req, maxBytes, ctx.bodyTimeoutMs);
  } catch (error: unknown) {
    if (error instanceof BodyTooLarge) {
      logger.warn(`Webhook refused: the body passed the ${maxBytes}-byte cap (delivery ${id}).`);
      return refuseAndDrain(req, res, 413, ctx.tooLarge, ctx.drain);
    }
    return void req.destroy();
  }
  if (!(await ctx.options.verify(body, signature).catch(() => false))) {
    logger.warn(`Webhook refused: the signature of delivery ${id} (${name}) does not match WEBHOOK_SECRET.`);
    return answer(res, 401, 'Signature does not match.');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    logger.warn(`Webhook refused: delivery ${id} (${name}) is signed but not JSON.`);
    return answer(res, 400, 'The body is not JSON.');
  }
  if (!ctx.seen.add(id)) {
    logger.info(`Delivery ${id} (${name}) was already handled; ignoring the replay.`);
    return answer(res, 200, 'Already handled.');
  }
  answer(res, 202, 'Accepted.');
  run(ctx, { id, name, payload });
}

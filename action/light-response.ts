/**
 * The answer of the Action's fetch (action/http-fetch.ts): what its callers read of a `Response` (Octokit's
 * request, the probes, the providers), built on node:http's stream. Node's own `Response` and `Headers` are lazy
 * globals whose first use loads the bundled undici, ~15 ms of every cold start; nothing here touches them.
 * - `LightHeaders`: the `Headers` API over the answer's raw headers, read-only as a fetched response's are;
 * - `LightResponse`: status, statusText, ok, url, redirected, headers, body (a web `ReadableStream`, built only
 *   when asked for), bodyUsed, text(), json() and arrayBuffer(), with fetch's errors: a second read is a
 *   TypeError, a failed body read rejects with `TypeError('fetch failed', { cause })`, an abort with the
 *   signal's reason.
 */
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';

/** An error with a `code`, like the system errors probes classify. */
export function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A network failure as fetch reports it. */
export const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

/** `Headers` of an answer: case-insensitive names, sorted when iterated, repeated values joined with ", ". */
export class LightHeaders implements Headers {
  readonly #values = new Map<string, string[]>();

  /** `pairs` are the raw name/value pairs in the order received. */
  constructor(pairs: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      const list = this.#values.get(key);
      if (list) list.push(value);
      else this.#values.set(key, [value]);
    }
  }

  get(name: string): string | null {
    return this.#values.get(String(name).toLowerCase())?.join(', ') ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(String(name).toLowerCase());
  }

  getSetCookie(): string[] {
    return [...(this.#values.get('set-cookie') ?? [])];
  }

  append(name: string, _value?: string): void {
    throw immutable(name);
  }

  set(name: string, _value?: string): void {
    throw immutable(name);
  }

  delete(name: string): void {
    throw immutable(name);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this) callback.call(thisArg, value, key, this);
  }

  *entries(): Generator<[string, string], void, undefined> {
    for (const key of [...this.#values.keys()].sort()) {
      const values = this.#values.get(key) ?? [];
      // As fetch does: every set-cookie on its own, other names once with their values joined.
      if (key === 'set-cookie') for (const value of values) yield [key, value];
      else yield [key, values.join(', ')];
    }
  }

  *keys(): Generator<string, void, undefined> {
    for (const [key] of this) yield key;
  }

  *values(): Generator<string, void, undefined> {
    for (const [, value] of this) yield value;
  }

  [Symbol.iterator](): Generator<[string, string], void, undefined> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

const immutable = (name: string) =>
  new TypeError(`Cannot change header ${JSON.stringify(name)}: a response's headers are read-only.`);

/** Where the body's chunks go: a web stream's controller, or a whole-body read. */
interface Sink {
  /** Takes a chunk; false when the reader wants no more for now. */
  push(chunk: Uint8Array): boolean;
  close(): void;
  error(reason: unknown): void;
}

type Outcome = { error: unknown } | { end: true };

/**
 * The body as Node streams it, paused until someone reads. Aborts, stream errors and an early close are
 * recorded from the start, so a reader attached later still sees them.
 */
class BodySource {
  #sink: Sink | undefined;
  #outcome: Outcome | undefined;
  readonly #stopWatching: () => void;

  constructor(
    private readonly source: Readable,
    signal: AbortSignal | null | undefined,
  ) {
    const onAbort = () => {
      this.#finish({ error: signal?.reason });
      source.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#stopWatching = () => signal?.removeEventListener('abort', onAbort);
    source.on('data', (chunk: Buffer) => {
      if (!this.#sink || this.#outcome) return;
      if (!this.#sink.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) source.pause();
    });
    source.once('end', () => this.#finish({ end: true }));
    source.on('error', (error) => this.#finish({ error: fetchFailed(error) }));
    source.once('close', () =>
      this.#finish({
        error: fetchFailed(coded('the connection closed before the whole body arrived', 'ECONNRESET')),
      }),
    );
    source.pause();
  }

  #finish(outcome: Outcome): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    this.#stopWatching();
    if (this.#sink) deliver(this.#sink, outcome);
  }

  /** Sends the chunks to `sink` from now on (a failure already recorded is delivered at once). */
  attach(sink: Sink): void {
    this.#sink = sink;
    if (this.#outcome) deliver(sink, this.#outcome);
  }

  resume(): void {
    if (!this.#outcome) this.source.resume();
  }

  /** Drops the rest of the body and the connection. */
  cancel(): void {
    if (!this.#outcome) {
      this.#outcome = { end: true };
      this.#stopWatching();
    }
    this.source.destroy();
  }
}

function deliver(sink: Sink, outcome: Outcome): void {
  if ('error' in outcome) sink.error(outcome.error);
  else sink.close();
}

let utf8: TextDecoder | undefined;

/** A fetched response; see the module comment for what it provides. */
export class LightResponse implements Pick<
  Response,
  | 'status'
  | 'statusText'
  | 'ok'
  | 'url'
  | 'redirected'
  | 'headers'
  | 'body'
  | 'bodyUsed'
  | 'text'
  | 'json'
  | 'arrayBuffer'
> {
  readonly ok: boolean;
  readonly #source: BodySource | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;
  /** A reader asked the stream for data, or cancelled it. */
  #disturbed = false;
  #consumed = false;

  /** `source` is null for a null body (HEAD, 204, 304…); `signal` aborts the body read. */
  constructor(
    source: Readable | null,
    signal: AbortSignal | null | undefined,
    readonly status: number,
    readonly statusText: string,
    readonly headers: LightHeaders,
    readonly url: string,
    readonly redirected: boolean,
  ) {
    this.ok = status >= 200 && status <= 299;
    this.#source = source ? new BodySource(source, signal) : undefined;
  }

  /** The body as a web stream (made on first access); null for a null body. */
  get body(): ReadableStream<Uint8Array> | null {
    const source = this.#source;
    if (!source) return null;
    this.#stream ??= new ReadableStream<Uint8Array>(
      {
        start: (controller) =>
          source.attach({
            push: (chunk) => {
              controller.enqueue(chunk);
              return (controller.desiredSize ?? 0) > 0;
            },
            close: () => controller.close(),
            error: (reason) => controller.error(reason),
          }),
        pull: () => {
          this.#disturbed = true;
          source.resume();
        },
        cancel: () => {
          this.#disturbed = true;
          source.cancel();
        },
      },
      // Nothing is read from the socket until a reader asks.
      { highWaterMark: 0 },
    );
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#consumed || this.#disturbed;
  }

  async text(): Promise<string> {
    utf8 ??= new TextDecoder();
    return utf8.decode(await this.#bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.#bytes()).buffer as ArrayBuffer;
  }

  /** The whole body in a fresh buffer of its own. */
  async #bytes(): Promise<Uint8Array> {
    if (!this.#source) return new Uint8Array(0); // a null body reads as empty and stays unused, as in fetch
    if (this.bodyUsed || this.#stream?.locked)
      throw new TypeError('Body is unusable: Body has already been read');
    this.#consumed = true;
    const chunks = this.#stream ? await readStream(this.#stream) : await this.#readSource(this.#source);
    const size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return bytes;
  }

  #readSource(source: BodySource): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      source.attach({
        push: (chunk) => chunks.push(chunk) > 0,
        close: () => resolve(chunks),
        error: reject,
      });
      source.resume();
    });
  }
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

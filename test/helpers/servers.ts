import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Real HTTP servers on 127.0.0.1 (port 0) for integration tests, with switchable behaviours.
 * Every server tracks its sockets and timers and destroys them on `close()`, so no test leaks a handle.
 *
 * ```ts
 * const api = await startTestServer({ kind: 'up' });
 * api.set({ kind: 'hang' });      // break it
 * await api.close();              // or closeAllTestServers() in afterAll
 * ```
 */
export type Behaviour =
  /** 200 with `body` (default `ok`). */
  | { kind: 'up'; body?: string }
  /** That status with `body` (default the status text). */
  | { kind: 'status'; status: number; body?: string }
  /** Answers `body` (default `ok`) with `status` (default 200) after `ms`. */
  | { kind: 'slow'; ms: number; status?: number; body?: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Sends 200 headers, then one byte every `intervalMs` (default 50) forever. */
  | { kind: 'trickle'; intervalMs?: number }
  /** `JSON.stringify(body)` as application/json with `status` (default 200). */
  | { kind: 'json'; body: unknown; status?: number }
  /** Destroys the connection without answering. */
  | { kind: 'close' }
  /** Redirects (302) to `location`. */
  | { kind: 'redirect'; location: string }
  /** Anything else. */
  | { kind: 'custom'; handle: (req: IncomingMessage, res: ServerResponse) => void };

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `origin + path` (default `/health`). */
  url: string;
  port: number;
  /** Requests received so far. */
  requests: number;
  /** Each request's method, url and headers, in order. */
  log: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  /** Switches the behaviour for later requests. */
  set(behaviour: Behaviour): void;
  close(): Promise<void>;
}

const open = new Set<TestServer>();

/** Starts a server on 127.0.0.1 with a random port. */
export async function startTestServer(
  initial: Behaviour = { kind: 'up' },
  path = '/health',
): Promise<TestServer> {
  let behaviour = initial;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const every = (ms: number, fn: () => void) => {
    const t = setInterval(fn, ms);
    timers.add(t);
    return () => {
      clearInterval(t);
      timers.delete(t);
    };
  };

  const server: Server = createServer((req, res) => {
    handle.requests++;
    handle.log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    respond(behaviour, req, res, later, every);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const handle: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${path}`,
    port,
    requests: 0,
    log: [],
    set: (b) => {
      behaviour = b;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        open.delete(handle);
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
  open.add(handle);
  return handle;
}

function respond(
  behaviour: Behaviour,
  req: IncomingMessage,
  res: ServerResponse,
  later: (ms: number, fn: () => void) => void,
  every: (ms: number, fn: () => void) => () => void,
): void {
  switch (behaviour.kind) {
    case 'up':
      return send(res, 200, behaviour.body ?? 'ok');
    case 'status':
      return send(res, behaviour.status, behaviour.body ?? `status ${behaviour.status}`);
    case 'slow':
      return later(behaviour.ms, () => send(res, behaviour.status ?? 200, behaviour.body ?? 'ok'));
    case 'hang':
      return;
    case 'trickle': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('.');
      const stop = every(behaviour.intervalMs ?? 50, () => res.write('.'));
      res.on('close', stop);
      return;
    }
    case 'json':
      res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(behaviour.body));
      return;
    case 'close':
      req.socket.destroy();
      return;
    case 'redirect':
      res.writeHead(302, { location: behaviour.location });
      res.end();
      return;
    case 'custom':
      behaviour.handle(req, res);
      return;
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

/** A loopback URL on which nothing listens (connection refused). */
export async function refusedUrl(path = '/health'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

/** Closes every server started by `startTestServer` and not yet closed. */
export async function closeAllTestServers(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

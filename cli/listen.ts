import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../src/config/schema.js';
import { Listener, type Attachment } from '../src/events/listener.js';
import type { Logger } from '../src/util/logger.js';
import { UsageError } from './args.js';

/** Shortest `UPTIME_EVENTS_KEY` accepted (it is the only thing between the internet and a check). */
export const MIN_EVENTS_KEY_LENGTH = 24;

/** A running `watch --listen` server. */
export interface ListeningServer {
  /** `http://host:port`. */
  url: string;
  attachment: Attachment;
  /** Whether platform events are served (UPTIME_EVENTS_KEY set). */
  events: boolean;
  close(): Promise<void>;
}

/** `8787` (every interface), `127.0.0.1:8787`, `[::1]:8787`. @throws UsageError naming the option */
export function parseListen(value: string): { host?: string; port: number } {
  const match = /^(?:(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/i.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535)
    throw new UsageError(
      `watch: --listen "${value}" is not a port or host:port; use e.g. 8787 or 127.0.0.1:8787.`,
      'watch',
    );
  return { host: match[1] ? match[1].replace(/^\[|\]$/g, '') : undefined, port };
}

/**
 * Starts the listening routes of `watch --listen` (src/events/listener.ts) for this config: heartbeats always,
 * platform events at `/events/<UPTIME_EVENTS_KEY>` when that variable is set.
 */
export async function startListening(
  value: string,
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ListeningServer> {
  const { host, port } = parseListen(value);
  const key = env.UPTIME_EVENTS_KEY?.trim() || undefined;
  if (key !== undefined && (key.length < MIN_EVENTS_KEY_LENGTH || !/^[A-Za-z0-9_-]+$/.test(key)))
    throw new UsageError(
      `watch: UPTIME_EVENTS_KEY must be at least ${MIN_EVENTS_KEY_LENGTH} letters, digits, "-" or "_" (e.g. the output of openssl rand -hex 16).`,
      'watch',
    );
  const listener = new Listener();
  const attachment = listener.attach('local', config, { eventsKey: key, logger });
  const server: Server = createServer((req, res) => {
    if (listener.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Pings go to /ping/<token>.');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    attachment,
    events: key !== undefined,
    async close() {
      attachment.detach();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

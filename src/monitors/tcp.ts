/**
 * `type: tcp`: `host:port` accepts a connection within the service's `timeout` (a database, a queue, an SMTP
 * server). On the hosted bot the same private-target policy as HTTP applies: 127/8, 10/8 and the like are
 * refused unless the operator set `UPTIME_PRIVATE_TARGETS=allow`.
 */
import * as z from 'zod/mini';
import { openConnection } from './connect.js';
import { failedOutcome, result } from './outcome.js';
import { defineMonitor } from './types.js';

/** A host name or IP address (no scheme, no port). */
export const hostKey = z.string().check(
  z.regex(/^(\[[0-9a-f:.]+\]|[a-z0-9_.:-]+)$/i, {
    error: 'must be a host name or IP address such as db.internal or 10.0.0.5, without scheme or port.',
  }),
);
export const portKey = z.number().check(z.int(), z.minimum(1), z.maximum(65_535));

/** The service keys of `type: tcp`. */
export const tcpKeys = { host: z.optional(hostKey), port: z.optional(portKey) };

export const tcp = defineMonitor({
  type: 'tcp',
  keys: tcpKeys,
  uses: ['host', 'port'],
  requires: { host: 'add host: (e.g. db.internal).', port: 'add port: (e.g. 5432).' },
  faces: 'any',
  target: (service) => `tcp://${service.host}:${service.port}`,
  async probe(service, options) {
    const now = options.now ?? Date.now;
    const elapsed = options.elapsed ?? (() => performance.now());
    const at = now();
    const started = elapsed();
    try {
      const socket = await openConnection({
        host: service.monitor?.host ?? '',
        port: service.monitor?.port ?? 0,
        timeoutMs: service.timeout,
        privateTargets: options.privateTargets,
        lookup: options.lookup,
      });
      socket.destroy();
      return result(service, { ok: true, kind: 'ok' }, at, elapsed() - started, options.confirm);
    } catch (error: unknown) {
      return result(service, failedOutcome(error, service.timeout), at, elapsed() - started, options.confirm);
    }
  },
});

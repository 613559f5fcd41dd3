/**
 * `type: dns`: `host` resolves (to at least one `recordType` record, `A` by default) and, when `records` is
 * set, every expected record is among the answers. The resolver is the operator's; a DNS monitor never
 * connects to what the records point at. Tests inject a resolver answering from memory.
 */
import { promises as dnsPromises } from 'node:dns';
import * as z from 'zod/mini';
import { ConnectTimeout } from './connect.js';
import { failedOutcome, result } from './outcome.js';
import { hostKey } from './tcp.js';
import { defineMonitor } from './types.js';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT'] as const;

/** The part of node's `dns.promises.Resolver` a DNS monitor uses. */
export interface DnsResolver {
  resolve(hostname: string, rrtype: string): Promise<unknown[]>;
}

/** One answer as text: an address, a name, `MX` as its exchange, `TXT` chunks joined. */
export function recordText(record: unknown): string {
  if (typeof record === 'string') return record.replace(/\.$/, '').toLowerCase();
  if (Array.isArray(record)) return record.join('');
  if (record && typeof record === 'object' && 'exchange' in record)
    return String(record.exchange).replace(/\.$/, '').toLowerCase();
  return String(record);
}

/** The service keys of `type: dns`. */
export const dnsKeys = {
  host: z.optional(hostKey),
  /** Record type to ask for. @default A */
  recordType: z.optional(z.enum(RECORD_TYPES)),
  /** Answers that must all be present, e.g. `[203.0.113.10]`. */
  records: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
};

export const dns = defineMonitor({
  type: 'dns',
  keys: dnsKeys,
  uses: ['host', 'recordType', 'records'],
  requires: { host: 'add host: with the name to resolve (e.g. api.example.com).' },
  faces: 'any',
  target: (service) => `dns://${service.host}`,
  async probe(service, options) {
    const now = options.now ?? Date.now;
    const elapsed = options.elapsed ?? (() => performance.now());
    const at = now();
    const started = elapsed();
    const host = service.monitor?.host ?? '';
    const type = service.monitor?.recordType ?? 'A';
    const resolver: DnsResolver =
      options.resolver ?? new dnsPromises.Resolver({ timeout: service.timeout, tries: 1 });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ConnectTimeout('dns')), service.timeout);
      });
      const answers = (await Promise.race([resolver.resolve(host, type), deadline])).map(recordText);
      const ms = elapsed() - started;
      if (answers.length === 0)
        return result(
          service,
          { ok: false, kind: 'network', error: `${host} has no ${type} record` },
          at,
          ms,
          options.confirm,
        );
      const missing = (service.monitor?.records ?? []).filter((r) => !answers.includes(recordText(r)));
      if (missing.length)
        return result(
          service,
          {
            ok: false,
            kind: 'network',
            error: `${host} ${type} answers ${answers.slice(0, 5).join(', ')}; expected ${missing.join(', ')} among them`,
          },
          at,
          ms,
          options.confirm,
        );
      return result(service, { ok: true, kind: 'ok' }, at, ms, options.confirm);
    } catch (error: unknown) {
      return result(service, failedOutcome(error, service.timeout), at, elapsed() - started, options.confirm);
    } finally {
      clearTimeout(timer);
    }
  },
});

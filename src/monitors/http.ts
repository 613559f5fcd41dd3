/**
 * `type: http` (the default): the HTTP health probe of src/probe/probe.ts. For an `https` URL the certificate's
 * days left are read too (at most once an hour per host) and judged against `warnDays` / `expiredDays`.
 */
import * as z from 'zod/mini';
import { probeService as probeHttp } from '../probe/probe.js';
import { cachedCertificate, daysLeft, judgeCertificate, thresholds } from './certificate.js';
import { defineMonitor } from './types.js';

const days = z.number().check(z.int(), z.minimum(0), z.maximum(365));

/** The service keys of `type: http`. */
export const httpKeys = {
  /** Days left on an https certificate at or below which the service is degraded. @default 14 */
  warnDays: z.optional(days),
  /** Days left at or below which the certificate opens an incident. @default 3 */
  expiredDays: z.optional(days),
};

export const http = defineMonitor({
  type: 'http',
  keys: httpKeys,
  uses: ['url', 'method', 'headers', 'expect', 'warnDays', 'expiredDays'],
  requires: { url: 'add url: with the full health URL, or set type: heartbeat, tcp, dns or tls.' },
  faces: 'any',
  target: (service) => service.url ?? '',
  async probe(service, options) {
    const result = await probeHttp(service, options);
    if (result.local || !service.url.startsWith('https:')) return result;
    const url = new URL(service.url);
    const certificate = await cachedCertificate(
      {
        host: url.hostname,
        port: Number(url.port || 443),
        timeoutMs: service.timeout,
        privateTargets: options.privateTargets,
        lookup: options.lookup,
      },
      options,
    );
    if (!certificate) return result;
    return judgeCertificate(
      result,
      daysLeft(certificate.validTo, (options.now ?? Date.now)()),
      thresholds(service),
    );
  },
});

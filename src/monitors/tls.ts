/**
 * `type: tls`: the certificate of `host:port` (port 443 by default), for endpoints that are not an HTTP health
 * URL (an SMTP or database port with TLS, a host behind a proxy). The chain and the host name are verified;
 * the days left are judged against `warnDays` (14) and `expiredDays` (3). No restart is asked for.
 */
import { codeOf } from '../util/fields.js';
import * as z from 'zod/mini';
import { daysLeft, judgeCertificate, readCertificate, thresholds } from './certificate.js';
import { failedOutcome, result } from './outcome.js';
import { hostKey, portKey } from './tcp.js';
import { defineMonitor } from './types.js';

const days = z.number().check(z.int(), z.minimum(0), z.maximum(365));

/** The service keys of `type: tls`. */
export const tlsKeys = {
  host: z.optional(hostKey),
  port: z.optional(portKey),
  warnDays: z.optional(days),
  expiredDays: z.optional(days),
};

export const tls = defineMonitor({
  type: 'tls',
  keys: tlsKeys,
  uses: ['host', 'port', 'warnDays', 'expiredDays'],
  requires: { host: 'add host: (e.g. api.example.com).' },
  faces: 'any',
  target: (service) => `tls://${service.host}:${service.port ?? 443}`,
  async probe(service, options) {
    const now = options.now ?? Date.now;
    const elapsed = options.elapsed ?? (() => performance.now());
    const at = now();
    const started = elapsed();
    try {
      const certificate = await readCertificate(
        {
          host: service.monitor?.host ?? '',
          port: service.monitor?.port ?? 443,
          timeoutMs: service.timeout,
          privateTargets: options.privateTargets,
          lookup: options.lookup,
        },
        { verify: true, tls: options.tls, now },
      );
      const passed = result(service, { ok: true, kind: 'ok' }, at, elapsed() - started, options.confirm);
      return judgeCertificate(passed, daysLeft(certificate.validTo, now()), thresholds(service));
    } catch (error: unknown) {
      const failed = result(
        service,
        failedOutcome(error, service.timeout),
        at,
        elapsed() - started,
        options.confirm,
      );
      // An expired certificate is refused by the handshake: still no restart renews it.
      const code = codeOf(error);
      return code === 'CERT_HAS_EXPIRED'
        ? {
            ...failed,
            kind: 'certificate',
            error: 'TLS certificate has expired (renew it, a restart will not)',
            noRecovery: true,
          }
        : failed;
    }
  },
});

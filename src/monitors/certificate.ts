/**
 * TLS certificate expiry: how many days a host's certificate has left, and what that means for the service.
 * `warnDays` (default 14) or fewer marks it degraded with a notification; `expiredDays` (default 3) or fewer
 * fails the check, which opens an incident. Neither asks for a restart (no restart renews a certificate): the
 * result carries `noRecovery`, so the planner escalates to people instead.
 */
import { TLSSocket } from 'node:tls';
import type { ProbeResult } from '../probe/types.js';
import { openConnection, type ConnectTarget } from './connect.js';
import type { MonitorOptions } from './types.js';

/** Days left at or below which a certificate is a warning (degraded). */
export const DEFAULT_WARN_DAYS = 14;
/** Days left at or below which a certificate fails the check (an incident). */
export const DEFAULT_EXPIRED_DAYS = 3;
/** How long a certificate read is reused by an `https` service's checks. @default 1 hour */
export const CERTIFICATE_TTL_MS = 3_600_000;

/** How long an unreadable certificate is not tried again. @default 5 minutes */
export const CERTIFICATE_RETRY_MS = 300_000;

const DAY_MS = 86_400_000;

/** What was read from a host's certificate. */
export interface CertificateInfo {
  /** Expiry (epoch ms): the certificate's `notAfter`. */
  validTo: number;
  /** When it was read (epoch ms). */
  readAt: number;
}

/** Certificates already read, by `host:port`. */
export type CertificateCache = Map<string, CertificateInfo>;

/** The per-process cache used when a face passes none. */
const sharedCache: CertificateCache = new Map();

/**
 * Connects with TLS and returns the peer certificate's expiry. `verify` checks the chain and the host name too
 * (a `type: tls` monitor); an `https` service's check passes false, its HTTP probe already verified them.
 */
export async function readCertificate(
  target: ConnectTarget,
  options: { verify: boolean; tls?: MonitorOptions['tls']; now: () => number },
): Promise<CertificateInfo> {
  const socket = await openConnection(target, { rejectUnauthorized: options.verify, ...options.tls });
  try {
    // With TLS options it is always a TLSSocket; the check gives getPeerCertificate its type.
    if (!(socket instanceof TLSSocket)) throw new Error('the connection is not TLS');
    const certificate = socket.getPeerCertificate();
    const validTo = Date.parse(certificate?.valid_to ?? '');
    if (!Number.isFinite(validTo)) throw new Error('the server sent no certificate');
    return { validTo, readAt: options.now() };
  } finally {
    socket.destroy();
  }
}

/** Whole days from `now` to `validTo`, rounded (a certificate made for 5 days has 5 days left). */
export function daysLeft(validTo: number, now: number): number {
  return Math.round((validTo - now) / DAY_MS);
}

/** The thresholds of a service, defaults filled. */
export function thresholds(service: { monitor?: { warnDays?: number; expiredDays?: number } }): {
  warnDays: number;
  expiredDays: number;
} {
  return {
    warnDays: service.monitor?.warnDays ?? DEFAULT_WARN_DAYS,
    expiredDays: service.monitor?.expiredDays ?? DEFAULT_EXPIRED_DAYS,
  };
}

/**
 * Applies a certificate's days left to a check result: at or below `expiredDays` the check fails (`certificate`),
 * at or below `warnDays` a passing check carries a warning (degraded); either way no restart is asked for.
 */
export function judgeCertificate(
  result: ProbeResult,
  left: number,
  limits: { warnDays: number; expiredDays: number },
): ProbeResult {
  const judged: ProbeResult = { ...result, certDaysLeft: left };
  // A failure of the service itself stays its own (and is recovered as usual), unless it is the TLS handshake
  // refusing this very certificate.
  if (!result.ok && !(left <= limits.expiredDays && /^TLS error/.test(result.error ?? ''))) return judged;
  const words =
    left < 0
      ? `expired ${-left} day${-left === 1 ? '' : 's'} ago`
      : `expires in ${left} day${left === 1 ? '' : 's'}`;
  if (left <= limits.expiredDays) {
    return {
      ...judged,
      ok: false,
      kind: 'certificate',
      error: `TLS certificate ${words} (incident at ${limits.expiredDays} days or fewer; renew it, a restart will not)`,
      noRecovery: true,
    };
  }
  if (left <= limits.warnDays && result.ok) {
    return {
      ...judged,
      warning: `TLS certificate ${words} (warning at ${limits.warnDays} days or fewer)`,
      noRecovery: true,
    };
  }
  return judged;
}

/**
 * The certificate of `host:port`, from the cache when read less than an hour ago; undefined when it cannot be
 * read (the HTTP probe reports connection and TLS errors itself).
 */
export async function cachedCertificate(
  target: ConnectTarget,
  options: MonitorOptions,
): Promise<CertificateInfo | undefined> {
  const now = options.now ?? Date.now;
  const cache = options.certificates ?? sharedCache;
  const key = `${target.host}:${target.port}`;
  const known = cache.get(key);
  if (
    known &&
    now() - known.readAt < (Number.isNaN(known.validTo) ? CERTIFICATE_RETRY_MS : CERTIFICATE_TTL_MS)
  )
    return Number.isNaN(known.validTo) ? undefined : known;
  if (cache.size > 10_000) cache.clear();
  try {
    const info = await readCertificate(target, { verify: false, tls: options.tls, now });
    cache.set(key, info);
    return info;
  } catch {
    // Unreadable (TLS refused, private target under deny, timeout): the HTTP probe's own result says why.
    // Not retried before CERTIFICATE_RETRY_MS, so a host without a readable certificate costs no extra
    // connection on every check.
    cache.set(key, { validTo: NaN, readAt: now() });
    return undefined;
  }
}

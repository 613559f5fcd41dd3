/**
 * What the HTTP probe reads of a service: where, how and what counts as healthy. A `ServiceConfig` is one; it
 * is declared here so the probe imports nothing from `config/` (the config's service type extends it).
 */
export interface ProbeTarget {
  /** The key under `services:`, used in commands (`/restart coqui`) and labels (`service:coqui`). */
  id: string;
  /** Display name (default: the key). */
  name: string;
  /** The health URL for http; for the other types what is checked, e.g. `tcp://db.internal:5432` (never a secret). */
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  expect: { status: Array<[number, number]>; body?: string; json?: Record<string, unknown> };
  /** Probe timeout in ms. */
  timeout: number;
}

/** What one HTTP health probe saw. */
export interface ProbeResult {
  /** Service key. */
  service: string;
  /** Healthy: answered in time with an expected status and every body/JSON assertion true. */
  ok: boolean;
  /** Why it failed (or `ok`). */
  kind: 'ok' | 'status' | 'body' | 'json' | 'timeout' | 'refused' | 'network' | 'missed' | 'certificate';
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Milliseconds from request start to full body (or to the timeout). */
  responseMs: number;
  /** When the probe started (epoch ms). */
  at: number;
  /** Human-readable reason for a failure, e.g. `HTTP 503`, `timed out after 10s`, `body lacks "ok"`. */
  error?: string;
  /** True for the immediate confirm re-probe that precedes declaring a service down. */
  confirm?: boolean;
  /**
   * The monitor itself could not make the probe (out of file descriptors or sockets: EMFILE, ENFILE,
   * ENOBUFS). Says nothing about the service: the sweep does not count it as a failed check.
   */
  local?: true;
  /** Days until the TLS certificate expires (https services and `type: tls`; src/monitors/certificate.ts). */
  certDaysLeft?: number;
  /** A passing check with something to warn about (a certificate close to expiry): the service is degraded. */
  warning?: string;
  /** A failure or warning that no restart fixes (a certificate): the planner escalates to people instead. */
  noRecovery?: true;
  /** What the platform said shortly before this check (a Railway `Deployment.crashed`), for the incident. */
  platformEvent?: string;
}

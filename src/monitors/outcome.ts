/** Shared by the non-HTTP monitor types: a result from an error, in the HTTP probe's words and kinds. */
import { codeOf } from '../util/fields.js';
import { PrivateTargetError } from '../util/net-address.js';
import { formatDuration } from '../util/duration.js';
import type { ProbeResult } from '../probe/types.js';
import { ConnectTimeout } from './connect.js';

type Outcome = Pick<ProbeResult, 'ok' | 'kind' | 'error' | 'local'>;

/** Turns a connection or lookup error into a failed outcome that names no secret. */
export function failedOutcome(error: unknown, timeoutMs: number): Outcome {
  if (error instanceof ConnectTimeout)
    return { ok: false, kind: 'timeout', error: `timed out after ${formatDuration(timeoutMs)}` };
  if (error instanceof PrivateTargetError) return { ok: false, kind: 'network', error: error.message };
  const code = codeOf(error);
  if (code === 'ECONNREFUSED') return { ok: false, kind: 'refused', error: 'connection refused' };
  if (code === 'ETIMEDOUT')
    return { ok: false, kind: 'timeout', error: `timed out after ${formatDuration(timeoutMs)}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA' || code === 'ESERVFAIL')
    return { ok: false, kind: 'network', error: 'host not found (DNS lookup failed)' };
  if (code === 'EMFILE' || code === 'ENFILE' || code === 'ENOBUFS')
    return {
      ok: false,
      kind: 'network',
      local: true,
      error: `the monitor could not open a connection (${code}); lower probeConcurrency or raise the limit (ulimit -n)`,
    };
  if (
    typeof code === 'string' &&
    /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL)/.test(code)
  )
    return { ok: false, kind: 'network', error: `TLS error (${code})` };
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code))
    return { ok: false, kind: 'network', error: `network error (${code})` };
  return { ok: false, kind: 'network', error: 'network error' };
}

/** A result with the common fields filled. */
export function result(
  service: { id: string },
  outcome: Outcome,
  at: number,
  responseMs: number,
  confirm?: boolean,
): ProbeResult {
  const r: ProbeResult = {
    service: service.id,
    ...outcome,
    responseMs: Math.max(0, Math.round(responseMs)),
    at,
  };
  if (outcome.local === undefined) delete r.local;
  if (confirm) r.confirm = true;
  return r;
}

/**
 * `type: heartbeat` (push): a worker or cron job pings `POST /ping/<token>` on the bot's server or
 * `uptime-action watch --listen` at least every `every`; a ping missing for `every` + `grace` is a failed check
 * (the same confirm, incident, recovery and notifications as an HTTP service). `/start` then nothing for longer
 * than `grace` is a run that never finished; `/fail` (or a non-zero `/<exit status>`) fails the check until the
 * next success. A scheduled Action cannot receive pings: there the check is "not checked", never "down".
 */
import { field, isObject } from '../util/fields.js';
import * as z from 'zod/mini';
import { duration } from '../util/duration.js';
import { formatDuration } from '../util/duration.js';
import type { ProbeResult } from '../probe/types.js';
import type { PingRecord } from './heartbeat-book.js';
import { result } from './outcome.js';
import { defineMonitor } from './types.js';

/** Shortest token accepted: 16 characters (healthchecks.io's UUIDs are 36). */
export const MIN_TOKEN_LENGTH = 16;

/** What a face that cannot receive pings says instead of a result. */
export const NO_LISTENER =
  'not checked: a heartbeat is pinged at POST /ping/<token> on the bot’s server or `uptime-action watch --listen`; this run cannot receive pings';

/** The service keys of `type: heartbeat`. */
export const heartbeatKeys = {
  /** The longest expected time between two pings. */
  every: z.optional(duration({ min: 10_000, max: 31 * 86_400_000 })),
  /** Extra time allowed after `every` before the ping counts as missed. @default 1m or a tenth of `every`, whichever is longer */
  grace: z.optional(duration({ min: 0, max: 31 * 86_400_000 })),
  /** The ping URL's secret, from the environment (`token: ${NIGHTLY_PING_TOKEN}`); never written in the file. */
  token: z.optional(
    z.string().check(
      z.minLength(MIN_TOKEN_LENGTH, {
        error: `must be at least ${MIN_TOKEN_LENGTH} characters (use a UUID: uuidgen).`,
      }),
      z.regex(/^[A-Za-z0-9_-]+$/, {
        error: 'may hold only letters, digits, "-" and "_" (it is part of a URL path).',
      }),
    ),
  ),
};

export const heartbeat = defineMonitor({
  type: 'heartbeat',
  keys: heartbeatKeys,
  uses: ['every', 'grace', 'token'],
  requires: {
    every: 'add every: with the longest time between two runs (e.g. 1h).',
    token: 'add token: ${YOUR_PING_TOKEN} and set that variable to a long random value (uuidgen).',
  },
  faces: 'listening',
  target: (service) => `heartbeat://${service.id}`,
  async probe(service, options) {
    const now = (options.now ?? Date.now)();
    if (!options.heartbeats)
      return result(
        service,
        { ok: false, kind: 'missed', local: true, error: NO_LISTENER },
        now,
        0,
        options.confirm,
      );
    const every = service.monitor?.every ?? 0;
    const grace = heartbeatGrace(service.monitor);
    const record = options.heartbeats.record(service);
    return result(service, judgePings(record, every, grace, now), now, 0, options.confirm);
  },
});

/** `grace` when set, else 1 minute or a tenth of `every`, whichever is longer. */
export function heartbeatGrace(monitor: { every?: number; grace?: number } | undefined): number {
  return monitor?.grace ?? Math.max(60_000, Math.round((monitor?.every ?? 0) / 10));
}

/** The check's outcome from what was pinged, pure. */
export function judgePings(
  record: PingRecord | undefined,
  every: number,
  grace: number,
  now: number,
): Pick<ProbeResult, 'ok' | 'kind' | 'error'> {
  if (!record) return { ok: false, kind: 'missed', error: 'not watched by this listener yet' };
  if (record.lastFail !== undefined && record.lastFail >= (record.lastSuccess ?? -Infinity))
    return {
      ok: false,
      kind: 'missed',
      error: `the job reported a failure ${formatDuration(now - record.lastFail)} ago`,
    };
  if (record.runningSince !== undefined && now - record.runningSince > grace)
    return {
      ok: false,
      kind: 'missed',
      error: `a run started ${formatDuration(now - record.runningSince)} ago and has not finished (grace ${formatDuration(grace)})`,
    };
  const last = record.lastSuccess ?? record.since;
  const silent = now - last;
  if (silent > every + grace)
    return {
      ok: false,
      kind: 'missed',
      error:
        record.lastSuccess === undefined
          ? `no ping since watching began ${formatDuration(silent)} ago (expected every ${formatDuration(every)}, grace ${formatDuration(grace)})`
          : `no ping for ${formatDuration(silent)} (expected every ${formatDuration(every)}, grace ${formatDuration(grace)})`,
    };
  return { ok: true, kind: 'ok' };
}

/**
 * A heartbeat `token` written in the file instead of `${VAR}`: anyone who reads the repository could then ping
 * (or fail) the job. Checked on the raw config, before expansion; the message never quotes the value.
 */
export function clearTokenProblems(raw: unknown): Array<{ path: string; message: string; fix: string }> {
  const services = field(raw, 'services');
  if (!isObject(services)) return [];
  const problems: Array<{ path: string; message: string; fix: string }> = [];
  for (const [key, service] of Object.entries(services)) {
    const token = field(service, 'token');
    if (typeof token === 'string' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(token.trim())) {
      const name = `${key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PING_TOKEN`;
      problems.push({
        path: `services.${key}.token`,
        message: 'is written in the file; a ping token is a secret and must come from the environment.',
        fix: `write token: \${${name}} and set ${name} (a repository secret in the workflow's env:, or the bot's environment) to a random value such as the output of uuidgen.`,
      });
    }
  }
  return problems;
}

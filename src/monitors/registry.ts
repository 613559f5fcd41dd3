/**
 * The monitor-type registry: a service's `type:` → the file that checks it. Adding a type is one new file
 * (exporting a descriptor and its keys) and its name in MONITORS and AllKeys; the config's `type` values and type-specific keys, and the
 * probe dispatch, are derived from this list.
 */
import * as z from 'zod/mini';
import type { ProbeResult } from '../probe/types.js';
import { dns, dnsKeys } from './dns.js';
import { heartbeat, heartbeatKeys } from './heartbeat.js';
import { http, httpKeys } from './http.js';
import { tcp, tcpKeys } from './tcp.js';
import { tls, tlsKeys } from './tls.js';
import type { MonitorDescriptor, MonitoredService, MonitorOptions } from './types.js';
import { formatDuration } from '../util/duration.js';

/** Every built-in monitor type, one line each; the first is the default. */
export const MONITORS = [http, heartbeat, tls, tcp, dns] as const;

export type MonitorType = (typeof MONITORS)[number]['type'];
export const MONITOR_TYPES: readonly MonitorType[] = MONITORS.map((m) => m.type);

// The key shapes by name (a type's keys are read here, not through MONITORS, whose probes refer to
// MonitoredService, which refers to these settings).
type AllKeys = typeof httpKeys & typeof heartbeatKeys & typeof tlsKeys & typeof tcpKeys & typeof dnsKeys;

/** Every type-specific service key, merged (a key two types share, like `host`, has one schema). */
export const MONITOR_KEYS: AllKeys = { ...httpKeys, ...heartbeatKeys, ...tlsKeys, ...tcpKeys, ...dnsKeys };

/** The type-specific settings of a service (`every`, `host`, `warnDays`, ...), as validated. */
export type MonitorSettings = Partial<z.output<z.ZodMiniObject<AllKeys>>>;

/** The descriptor of `type` (undefined = http); throws naming the known types. */
export function monitorFor(type: string | undefined): MonitorDescriptor {
  const found = MONITORS.find((m) => m.type === (type ?? 'http'));
  if (!found) throw new Error(`Unknown monitor type "${type}"; use one of ${MONITOR_TYPES.join(', ')}.`);
  return found;
}

/**
 * Whether a face can check `service` at all: a type checked only where pings arrive (`faces: 'listening'`: a
 * heartbeat) cannot be checked by a face that receives none (`uptime-action check`, a scheduled Action run,
 * `watch` without `--listen`). There the service is "not checked" by design, which says nothing about it and
 * fails nothing (docs/monitors.md, "Who receives pings").
 */
export function checkableBy(
  service: Pick<MonitoredService, 'type'>,
  face: { receivesPings: boolean },
): boolean {
  return face.receivesPings || monitorFor(service.type).faces !== 'listening';
}

/**
 * For a config: whether service `id` is one that only a face receiving pings can check (see {@link checkableBy}):
 * its "not checked" elsewhere is by design.
 */
export function needsPings(config: {
  services: Record<string, Pick<MonitoredService, 'type'>>;
}): (id: string) => boolean {
  return (id) =>
    Object.hasOwn(config.services, id) && !checkableBy(config.services[id], { receivesPings: false });
}

/**
 * One check of a service by the monitor of its `type` (http by default, heartbeat, tls, tcp, dns): what every
 * face calls (src/probe's `probeService` is the HTTP monitor itself), so each type goes through the same
 * confirm, plan and recovery. Never throws.
 */
export async function probeMonitor(
  service: MonitoredService,
  options: MonitorOptions = {},
): Promise<ProbeResult> {
  const result = await monitorFor(service.type).probe(service, options);
  // A failure right after the platform reported trouble: the incident says what the platform said.
  const event = result.ok ? undefined : options.recentEvents?.(service.id).at(-1);
  if (event && result.at - event.at <= PLATFORM_EVENT_WINDOW_MS && result.at >= event.at)
    result.platformEvent = `${PLATFORM_NAMES[event.platform] ?? event.platform} ${event.type}${event.deployment ? ` (deployment ${event.deployment})` : ''}, ${formatDuration(result.at - event.at)} before this check`;
  return result;
}

/** How recent a platform event must be to be quoted with a failed check. @default 10 minutes */
export const PLATFORM_EVENT_WINDOW_MS = 600_000;
const PLATFORM_NAMES: Record<string, string> = { railway: 'Railway', render: 'Render', heroku: 'Heroku' };

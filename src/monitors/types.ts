/**
 * What one monitor-type file exports: a check that turns a service into a `ProbeResult`, and the config keys it
 * adds to a service. The registry (registry.ts) lists these; the config schema and the probe dispatch are
 * derived from it, so adding a type is one file and one registry line, like a provider.
 * Every type's result goes through the same confirm → plan → execute as an HTTP probe.
 */
import type { $ZodShape } from 'zod/v4/core';
import type { ConnectionOptions } from 'node:tls';
import type { ProbeOptions } from '../probe/probe.js';
import type { ProbeResult, ProbeTarget } from '../probe/types.js';
import type { CertificateCache } from './certificate.js';
import type { DnsResolver } from './dns.js';
import type { HeartbeatView } from './heartbeat-book.js';
import type { MonitorSettings, MonitorType } from './registry.js';

/**
 * What a monitor reads of a service: the HTTP probe's fields, its type and its type-specific settings. A
 * `ServiceConfig` is one; it is declared here so the monitors import nothing from `config/`.
 */
export interface MonitoredService extends ProbeTarget {
  /** The monitor type. @default 'http' (absent in configs built by hand) */
  type?: MonitorType;
  /** The type-specific settings (`every`, `grace`, `token`, `host`, `port`, `records`, `warnDays`, ...). */
  monitor?: MonitorSettings;
}

/** Where a type can be checked: anywhere, or only by a face that receives pings (the bot's server, `watch --listen`). */
export type MonitorFaces = 'any' | 'listening';

/** Options every monitor type receives: the HTTP probe's, plus what the other types need injected. */
export interface MonitorOptions extends ProbeOptions {
  /** The pings received by this process (heartbeats); absent = this face cannot receive pings. */
  heartbeats?: HeartbeatView;
  /** DNS resolver for `type: dns` (tests pass one answering from memory). @default node's dns.promises.Resolver */
  resolver?: DnsResolver;
  /** Certificates already read (host:port → expiry), shared across sweeps. @default one per process */
  certificates?: CertificateCache;
  /** Platform events received for a service, newest last (src/events/listener.ts), for the incident. */
  recentEvents?: (
    service: string,
  ) => ReadonlyArray<{ platform: string; type: string; deployment?: string; at: number }>;
  /** Extra TLS options for the certificate reads (tests pass `ca`). */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

/** One monitor type's descriptor. `K` is the zod shape of the service keys it adds. */
export interface MonitorDescriptor<T extends string = string, K extends $ZodShape = $ZodShape> {
  /** The config's `type:` value. */
  readonly type: T;
  /** Config keys this type adds under a service (validated with the rest of the service). */
  readonly keys: K;
  /** Every service key it understands besides `name`, `type`, `timeout`, `recovery` (the others are refused). */
  readonly uses: readonly string[];
  /** Keys it needs, with the fix shown when one is missing. */
  readonly requires: Readonly<Record<string, string>>;
  /** Which faces can check it. */
  readonly faces: MonitorFaces;
  /** What the service is, for people and issues (`tcp://db.internal:5432`); never a secret. */
  readonly target: (service: { id: string; url?: string; host?: string; port?: number }) => string;
  /** One check; never throws (a failure is a result with `kind` and a readable `error`). */
  readonly probe: (service: MonitoredService, options: MonitorOptions) => Promise<ProbeResult>;
}

/** Declares a descriptor with its literal type and key shape kept. */
export function defineMonitor<T extends string, K extends $ZodShape>(
  descriptor: MonitorDescriptor<T, K>,
): MonitorDescriptor<T, K> {
  return descriptor;
}

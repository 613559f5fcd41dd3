/**
 * Which addresses a hosted bot may reach. Under `UPTIME_PRIVATE_TARGETS=deny` (the bot's default) probes,
 * webhooks and notifications never connect to loopback, private, link-local (the cloud metadata address
 * 169.254.169.254), unique-local, CGNAT, unspecified (0.0.0.0) or IPv4-mapped forms of those.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** `deny` (hosted bot default) or `allow` (Action, CLI, and operators whose services are on a private network). */
export type PrivateTargets = 'deny' | 'allow';

/** A DNS lookup with node's signature (`dns.lookup`), injectable in tests. */
export type LookupFunction = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** True for every address that is not public unicast (IPv4-mapped IPv6 judged as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return true; // not an address at all: refuse rather than guess
  let parsed = ipaddr.parse(bare);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  return parsed.range() !== 'unicast';
}

/** Refusal of a private target; the message names the setting that allows it. */
export class PrivateTargetError extends Error {
  readonly code = 'UPTIME_PRIVATE_TARGET';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `refused to connect to ${host === address ? address : `${host} (${address})`}: a private, loopback, link-local or metadata address; the operator can allow it with UPTIME_PRIVATE_TARGETS=allow`,
    );
    this.name = 'PrivateTargetError';
  }
}

/** Resolves `hostname` (or takes it as an IP literal) and throws PrivateTargetError when any address is private. */
export async function assertPublicHost(
  hostname: string,
  lookup: LookupFunction = defaultLookup,
): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    if (isPrivateAddress(host)) throw new PrivateTargetError(host, host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new PrivateTargetError(host, bad.address);
}

const defaultLookup: LookupFunction = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `connect.lookup` for undici's Agent that refuses private addresses at connection time, so a name that
 * resolves differently the second time (DNS rebinding) is still checked on the address actually used.
 */
export function guardedLookup(lookup: LookupFunction = defaultLookup) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | 'IPv4' | 'IPv6' },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    // undici's connector may name the family as Node's net options do: 4, 6, 'IPv4' or 'IPv6'.
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    lookup(hostname, { family, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new PrivateTargetError(hostname, bad.address), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

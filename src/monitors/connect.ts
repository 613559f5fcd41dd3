/**
 * Opening a TCP or TLS connection for a monitor under the same private-target policy as the HTTP probe: the
 * name is resolved once, every address is checked when the policy is `deny` (the hosted bot's default), and the
 * connection goes to the address that was checked, so a name that answers differently the second time (DNS
 * rebinding) cannot slip through.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import {
  isPrivateAddress,
  PrivateTargetError,
  type LookupFunction,
  type PrivateTargets,
} from '../util/net-address.js';

/** Where and how to connect. */
export interface ConnectTarget {
  host: string;
  port: number;
  /** Gives up after this long (ms). */
  timeoutMs: number;
  privateTargets?: PrivateTargets;
  lookup?: LookupFunction;
}

const defaultLookup: LookupFunction = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** The address to connect to; throws PrivateTargetError under `deny` when the host is or resolves to a private one. */
export async function resolveTarget(target: ConnectTarget): Promise<string> {
  const host = target.host.replace(/^\[|\]$/g, '');
  const deny = target.privateTargets === 'deny';
  if (isIP(host)) {
    if (deny && isPrivateAddress(host)) throw new PrivateTargetError(host, host);
    return host;
  }
  const lookup = target.lookup ?? defaultLookup;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  if (deny) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new PrivateTargetError(host, bad.address);
  }
  return addresses[0].address;
}

/** A timeout of a monitor's connection (mapped to the `timeout` kind). */
export class ConnectTimeout extends Error {
  readonly code = 'UPTIME_CONNECT_TIMEOUT';
}

/**
 * Connects (plain TCP, or TLS when `tls` is given) and resolves with the connected socket; the caller ends it.
 * Rejects with the socket's error, PrivateTargetError, or ConnectTimeout after `timeoutMs` (lookup included).
 */
export async function openConnection(
  target: ConnectTarget,
  tls?: ConnectionOptions,
): Promise<Socket | TLSSocket> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let socket: Socket | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      socket?.destroy();
      reject(new ConnectTimeout(`no connection within ${target.timeoutMs}ms`));
    }, target.timeoutMs);
  });
  deadline.catch(() => undefined);
  try {
    const address = await Promise.race([resolveTarget(target), deadline]);
    const connected = new Promise<Socket>((resolve, reject) => {
      const servername = isIP(target.host.replace(/^\[|\]$/g, '')) ? undefined : target.host;
      const s = tls
        ? tlsConnect({ ...tls, host: address, port: target.port, servername })
        : netConnect({ host: address, port: target.port });
      socket = s;
      s.once(tls ? 'secureConnect' : 'connect', () => resolve(s));
      s.once('error', (error) => {
        s.destroy();
        reject(error);
      });
    });
    connected.catch(() => undefined);
    return await Promise.race([connected, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

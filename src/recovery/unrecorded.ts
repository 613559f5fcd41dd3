import type { ServiceConfig } from '../config/schema.js';

/**
 * The restart budget when the shared state can't be written (GitHub answering 500 or 403): the claim that
 * makes the budget hold across runs can't be recorded, so this process keeps the count itself. Claims of one
 * service are made one at a time in a process, and while they can't be recorded at most one attempt runs per
 * `restartWindow`; the others are refused and say why. The Action runs one process per run, so that is at
 * most one unrecorded attempt per run.
 */

/** The same service in any repository: its id and the URL it is checked on. */
export const serviceKey = (service: Pick<ServiceConfig, 'id' | 'url'>) => `${service.id} ${service.url}`;

const chains = new Map<string, Promise<unknown>>();
/** When each service's last attempt without a recorded claim started (epoch ms). */
const unrecorded = new Map<string, number>();

/** Runs `fn` after every earlier call with the same `key` has settled (a per-service queue in this process). */
export async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = chains.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const settled = mine.catch(() => undefined);
  chains.set(key, settled);
  try {
    return await mine;
  } finally {
    if (chains.get(key) === settled) chains.delete(key);
  }
}

/** The start of an unrecorded attempt of `key` within `windowMs` before `now`, if one ran. */
export function unrecordedWithin(key: string, now: number, windowMs: number): number | undefined {
  const at = unrecorded.get(key);
  return at !== undefined && at > now - windowMs && at <= now ? at : undefined;
}

/** Notes an attempt that goes ahead without a recorded claim. */
export function noteUnrecorded(key: string, at: number): void {
  unrecorded.set(key, at);
}

import { emptyRecord, emptyState } from './records.js';
import type { UptimeState } from './types.js';

/** A state that can't be read: names the place, the cause and the fix. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses stored state text and checks its shape loosely: `version: 1`, and `services`, `pauses`,
 * `incidents` objects and `unmonitored` an array when present (missing ones are filled in empty).
 * Throws `StateError` naming `where` and `fix` when the text is not a version-1 state.
 */
export function parseState(text: string, where: string, fix: string): UptimeState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error: unknown) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new StateError(`State ${where} is corrupt: not JSON (${cause}). ${fix}`);
  }
  if (!isObject(data)) throw new StateError(`State ${where} is corrupt: expected a JSON object. ${fix}`);
  if (data.version !== 1) {
    throw new StateError(
      `State ${where} has version ${JSON.stringify(data.version)}; this uptime-action reads version 1. ` +
        `Upgrade uptime-action, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`,
    );
  }
  const base = emptyState();
  for (const key of ['services', 'pauses', 'incidents'] as const) {
    if (data[key] !== undefined && !isObject(data[key])) {
      throw new StateError(`State ${where} is corrupt: "${key}" should be an object. ${fix}`);
    }
  }
  if (data.unmonitored !== undefined && !Array.isArray(data.unmonitored)) {
    throw new StateError(`State ${where} is corrupt: "unmonitored" should be a list. ${fix}`);
  }
  const services: UptimeState['services'] = {};
  for (const [id, record] of Object.entries((data.services as Record<string, unknown> | undefined) ?? {})) {
    if (!isObject(record) || !isObject(record.health) || !isObject(record.checks)) {
      throw new StateError(`State ${where} is corrupt: services.${id} lacks its health or checks. ${fix}`);
    }
    // Fields added in later releases get their empty value, so an older file still reads.
    services[id] = { ...emptyRecord(0), ...record } as UptimeState['services'][string];
  }
  return { ...base, ...(data as Partial<UptimeState>), services, version: 1 } as UptimeState;
}

import { parseStateText } from './schema.js';
import type { UptimeState } from './types.js';

/** A state that can't be read or written: names the place, the cause and the fix. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/**
 * Parses stored state text with the one state schema (`./schema.ts`). Never throws: a malformed part is reset to
 * its empty value and reported through `warn` as `State <where>: services.api.health reset (…)`.
 */
export function parseState(text: string, where: string, warn?: (message: string) => void): UptimeState {
  const { state, problems } = parseStateText(text);
  for (const problem of problems) warn?.(`${problem} in ${where}`);
  return state;
}

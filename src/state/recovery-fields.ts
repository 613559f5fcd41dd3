import { keysOf } from '../util/fields.js';
import * as z from 'zod/mini';
import type { ServiceRecord } from './types.js';

/**
 * The record fields of dependency-, deploy- and burn-aware recovery (docs/recovery.md), read field by field
 * like the rest of the record; a field that is absent stays absent (older states, services never affected).
 */

const num = z.number().check(z.refine(Number.isFinite));
const triple = z.tuple([num, num, num]);
/** Upper bounds, so a hostile state file can't make the engine carry megabytes. */
const MAX_SERIES = 2000;

type Field = <T>(key: string, schema: z.ZodMiniType<T>, fallback: T) => T;
type RecoveryFields = Pick<
  ServiceRecord,
  'causedBy' | 'recentChecks' | 'checkSeries' | 'burnAlerts' | 'deployChecked'
>;

export function recoveryRecordFields(field: Field): RecoveryFields {
  const out: RecoveryFields = {
    causedBy: field('causedBy', z.optional(z.string().check(z.maxLength(200))), undefined),
    recentChecks: field(
      'recentChecks',
      z.optional(z.array(triple).check(z.maxLength(MAX_SERIES))),
      undefined,
    ),
    checkSeries: field('checkSeries', z.optional(z.array(triple).check(z.maxLength(MAX_SERIES))), undefined),
    burnAlerts: field(
      'burnAlerts',
      z.optional(z.object({ fast: z.optional(num), slow: z.optional(num) })),
      undefined,
    ),
    deployChecked: field(
      'deployChecked',
      z.optional(
        z.object({
          id: z.string().check(z.maxLength(200)),
          at: num,
          verdict: z.enum(['ok', 'worse', 'undecided']),
          lookedAt: z.optional(num),
        }),
      ),
      undefined,
    ),
  };
  for (const key of keysOf(out)) if (out[key] === undefined) delete out[key];
  return out;
}

import * as z from 'zod/mini';

/**
 * The response-time history kept in the state under `history` (issue 12). Bounded: hourly buckets for the
 * last 7 days, daily buckets for 90 days, the newest 100 incidents. Built with `zod/mini`, like the config
 * schema, so the Action's bundle stays small. The engine adds `history: z.optional(historySchema)` to the
 * state's schema.
 */

const count = z.number().check(z.int(), z.minimum(0));
const ms = z.nullable(z.number().check(z.minimum(0)));

/** One hour or one day of samples. Response times are of healthy samples only; `null` when none was healthy. */
export const bucketSchema = z.object({
  /** Start of the hour or UTC day (epoch ms). */
  t: z.number(),
  /** Healthy samples and all samples in the bucket. */
  ok: count,
  total: count,
  /** Median, 95th percentile and maximum response time in ms. */
  p50: ms,
  p95: ms,
  max: ms,
  /** Response times of the current (newest) hour, kept only until the hour rolls (bounded). */
  s: z.optional(z.array(z.number())),
});

/** One service's history. */
export const serviceHistorySchema = z.object({
  hourly: z.array(bucketSchema),
  daily: z.array(bucketSchema),
});

/** An incident issue as the status page lists it: kept after the issue is closed. */
export const incidentEntrySchema = z.object({
  service: z.string(),
  number: z.number(),
  url: z.optional(z.string()),
  kind: z.enum(['down', 'degraded']),
  openedAt: z.number(),
  /** When it was no longer open in the state; undefined while open. */
  closedAt: z.optional(z.number()),
});

/** `state.history`. */
export const historySchema = z.object({
  services: z.record(z.string(), serviceHistorySchema),
  incidents: z.array(incidentEntrySchema),
});

export type Bucket = z.infer<typeof bucketSchema>;
export type ServiceHistory = z.infer<typeof serviceHistorySchema>;
export type IncidentEntry = z.infer<typeof incidentEntrySchema>;
export type History = z.infer<typeof historySchema>;

/** The empty history. */
export function emptyHistory(): History {
  return { services: {}, incidents: [] };
}

import * as z from 'zod/mini';
import {
  MAX_BUCKET_CHECKS,
  MAX_DAILY_BUCKETS,
  MAX_DURATION_MS,
  MAX_HOUR_SAMPLES_STORED,
  MAX_HOURLY_BUCKETS,
  MAX_TEXT,
  MAX_TIME,
} from './limits.js';

/**
 * The response-time history kept in the state under `history` (docs/configuration.md). Bounded: hourly buckets for the
 * last 7 days, daily buckets for 90 days, the newest 100 incidents. Built with `zod/mini`, like the config
 * schema, so the Action's bundle stays small. The engine adds `history: z.optional(historySchema)` to the
 * state's schema.
 */

// Bounded (src/state/limits.ts): the day's median is weighted by `ok`, and the page draws every bucket.
const count = z.number().check(z.int(), z.minimum(0), z.maximum(MAX_BUCKET_CHECKS));
const duration = z.number().check(z.minimum(0), z.maximum(MAX_DURATION_MS));
const ms = z.nullable(duration);
const time = z.number().check(z.minimum(0), z.maximum(MAX_TIME));
const text = z.string().check(z.maxLength(MAX_TEXT));

/** One hour or one day of samples. Response times are of healthy samples only; `null` when none was healthy. */
export const bucketSchema = z.object({
  /** Start of the hour or UTC day (epoch ms). */
  t: time,
  /** Healthy samples and all samples in the bucket. */
  ok: count,
  total: count,
  /** Median, 95th percentile and maximum response time in ms. */
  p50: ms,
  p95: ms,
  max: ms,
  /** Response times of the current (newest) hour, kept only until the hour rolls (bounded). */
  s: z.optional(z.array(duration).check(z.maxLength(MAX_HOUR_SAMPLES_STORED))),
});

/** One service's history. */
export const serviceHistorySchema = z.object({
  hourly: z.array(bucketSchema).check(z.maxLength(MAX_HOURLY_BUCKETS)),
  daily: z.array(bucketSchema).check(z.maxLength(MAX_DAILY_BUCKETS)),
});

/** An incident issue as the status page lists it: kept after the issue is closed. */
export const incidentEntrySchema = z.object({
  service: text,
  number: z.number().check(z.int(), z.minimum(0)),
  url: z.optional(text),
  kind: z.enum(['down', 'degraded']),
  openedAt: time,
  /** When it was no longer open in the state; undefined while open. */
  closedAt: z.optional(time),
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

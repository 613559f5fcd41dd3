/**
 * Upper bounds of every number and list of the stored state. The state branch is written by the repository
 * (anyone with push access, on the hosted bot a repository the operator does not control), so it is input:
 * a count used as a loop bound (`ok: 2e9`), a list of 300,000 buckets or a time of 1e300 must be refused at
 * parse time, where the bad part is reset and the file kept aside, not met by a sweep as an out-of-memory
 * crash, a blocked event loop or an "Invalid time value". Each bound is far above what a real run writes.
 */

/** Latest accepted time (epoch ms): 9999-12-31, the last day `Date#toISOString` prints with four digits. */
export const MAX_TIME = Date.UTC(9999, 11, 31);
/** Longest accepted duration or response time (ms): 100 years. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;
/** Largest check count: a check every 10 ms for 100 years. */
export const MAX_COUNT = 2 ** 48;
/** Largest sum of response times (ms). */
export const MAX_MS_TOTAL = Number.MAX_SAFE_INTEGER;
/** Checks one history bucket (an hour, or a day of hours) can hold: one a millisecond for a day. */
export const MAX_BUCKET_CHECKS = 86_400_000;
/** Hourly history buckets (7 days kept, with room for a clock's skew). */
export const MAX_HOURLY_BUCKETS = 8 * 24;
/** Daily history buckets (90 days kept). */
export const MAX_DAILY_BUCKETS = 100;
/** Raw response times of the current hour (60 kept). */
export const MAX_HOUR_SAMPLES_STORED = 100;
/** Outages per service (90 days kept: a service flapping every few minutes has tens of thousands); past it, the newest. */
export const MAX_OUTAGES = 50_000;
/** Recovery attempts per service (50 kept). */
export const MAX_ATTEMPTS_STORED = 200;
/** Days of daily totals per service (90 kept). */
export const MAX_DAILY_TOTALS = 400;
/** Unmonitored intervals (cron gaps; 90 days kept). */
export const MAX_UNMONITORED = 5000;
/** Incidents listed by the status page (100 kept). */
export const MAX_HISTORY_INCIDENTS = 1000;
/** Recent response times of a service's health (10 kept). */
export const MAX_RECENT = 100;
/** Ids of messages already sent. */
export const MAX_NOTIFIED_STORED = 5000;
/** Longest stored text (an error, a provider's detail). */
export const MAX_TEXT = 10_000;
/** Messages waiting for their send to settle (200 kept). */
export const MAX_OUTBOX_STORED = 1000;
/** Webhook delivery ids remembered (2,000 kept). */
export const MAX_DELIVERIES_STORED = 5000;

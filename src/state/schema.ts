import * as z from 'zod/mini';
import { TRANSITIONS } from '../config/notify.js';
import { MODES } from '../config/presets.js';
import { incidentEntrySchema, serviceHistorySchema } from './history-schema.js';
import * as limits from './limits.js';
import { emptyRecord, emptyState } from './records.js';
import { recoveryRecordFields } from './recovery-fields.js';
import type { ServiceRecord, UptimeState } from './types.js';

/**
 * The one schema of the shared state, used by every store (file, GitHub branch, memory). Parsing is by part:
 * a malformed part is reset to its empty value with a problem naming it (`services.api.health reset (expected
 * object, got number)`), so a damaged file never stops monitoring and never reaches the engine as a TypeError.
 */

// Every number and text is bounded (src/state/limits.ts): the file is input, see there.
/** An instant (epoch ms). */
const time = z.number().check(z.minimum(0), z.maximum(limits.MAX_TIME));
/** A duration or response time (ms). */
const duration = z.number().check(z.minimum(0), z.maximum(limits.MAX_DURATION_MS));
const int = z.number().check(z.int(), z.minimum(0), z.maximum(limits.MAX_COUNT));
const text = z.string().check(z.maxLength(limits.MAX_TEXT));

const healthSchema = z.object({
  status: z.enum(['unknown', 'up', 'slow', 'degraded', 'down']),
  since: time,
  consecutiveFailures: int,
  consecutiveSuccesses: int,
  degradingStreak: int,
  recentResponseMs: z.array(duration).check(z.maxLength(limits.MAX_RECENT)),
  lastCheckAt: z.optional(time),
  lastResponseMs: z.optional(duration),
  lastCheckMs: z.optional(duration),
  lastError: z.optional(text),
  certDaysLeft: z.optional(z.number().check(z.int(), z.minimum(-100_000), z.maximum(100_000))),
  noRecovery: z.optional(z.literal(true)),
});
const totalsSchema = z.object({
  ok: int,
  total: int,
  slow: int,
  responseMsTotal: z.number().check(z.minimum(0), z.maximum(limits.MAX_MS_TOTAL)),
});
const attemptSchema = z.object({
  id: z.optional(text),
  pending: z.optional(z.boolean()),
  action: z.enum(['restart', 'redeploy', 'rollback']),
  trigger: z.enum(['down', 'predictive', 'command']),
  at: time,
  durationMs: duration,
  providerOk: z.boolean(),
  healthy: z.boolean(),
  detail: text,
  by: z.optional(text),
  forced: z.optional(text),
  authFailed: z.optional(z.boolean()),
});
const outageSchema = z.object({ start: time, end: z.optional(time), reason: z.optional(text) });
/** An open incident as the state keeps it (also the CLI's local incident index). */
export const incidentSchema = z.object({
  number: int,
  url: z.optional(text),
  openedAt: time,
  kind: z.enum(['down', 'degraded']),
  ackedBy: z.optional(text),
});
const pauseSchema = z.object({ until: z.optional(time), by: z.optional(text), at: time });

const outboxEntrySchema = z.object({
  event: z.object({
    id: text,
    service: text,
    serviceName: text,
    // Every transition that notifies (burn included), and `notify --test`'s.
    transition: z.enum([...TRANSITIONS, 'test']),
    at: time,
    reason: text,
    incident: z.optional(z.object({ number: int, url: z.optional(text) })),
    durationMs: z.optional(duration),
    pageUrl: z.optional(text),
    tries: z.optional(int),
  }),
  queuedAt: time,
  tries: int,
  owner: z.object({ host: text, pid: int, run: text, at: time }),
});

/** Keys never accepted as a service name in stored state: they would reach `Object.prototype`. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype']);

/** What `parseStateData` made of stored data. */
export interface ParsedState {
  state: UptimeState;
  /** One line per part that was reset, e.g. `state: services.api.health reset (expected object, got number)`. */
  problems: string[];
}

/** `object`, `array`, `null`, `number`, ... — what a value is, in the words of a problem line. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first reason zod gives, as `expected …, got …` when it is a type error. */
function why(schema: z.ZodMiniType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const path = issue.path.length ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'invalid_type')
    return `${path}expected ${issue.expected}, got ${kindOf(pick(value, issue.path))}`;
  return `${path}${issue.message}`;
}

function pick(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? Reflect.get(v, key) : undefined;
  return v;
}

/** A map of parts by own key: entries that fail `schema` are dropped with a problem each. */
function mapOf<T>(
  data: unknown,
  where: string,
  schema: z.ZodMiniType<T>,
  problems: string[],
  max = Number.POSITIVE_INFINITY,
): Record<string, T> {
  if (data === undefined) return {};
  if (!isObject(data)) {
    problems.push(`state: ${where} reset (expected object, got ${kindOf(data)})`);
    return {};
  }
  const keys = Object.keys(data);
  if (keys.length > max) {
    problems.push(`state: ${where} reset (${keys.length} entries, at most ${max})`);
    return {};
  }
  const entries: Array<[string, T]> = [];
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) {
      problems.push(`state: ${where}.${key} dropped (not a usable name)`);
      continue;
    }
    const parsed = schema.safeParse(data[key]);
    if (parsed.success) entries.push([key, parsed.data]);
    else problems.push(`state: ${where}.${key} dropped (${why(schema, data[key])})`);
  }
  // fromEntries defines own properties: a key named `constructor` stays data, never the prototype's.
  return Object.fromEntries(entries);
}

/**
 * A list of parts: items that fail `schema` are dropped with one problem for the list; past `max` items
 * only the newest (last) `max` are read, with a problem naming how many were dropped.
 */
function listOf<T>(
  data: unknown,
  where: string,
  schema: z.ZodMiniType<T>,
  problems: string[],
  max = Number.POSITIVE_INFINITY,
): T[] {
  if (data === undefined) return [];
  if (!Array.isArray(data)) {
    problems.push(`state: ${where} reset (expected array, got ${kindOf(data)})`);
    return [];
  }
  let items: unknown[] = data;
  if (items.length > max) {
    problems.push(`state: ${where}: ${items.length - max} oldest entries dropped (at most ${max})`);
    items = items.slice(-max);
  }
  const kept: T[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) kept.push(parsed.data);
  }
  if (kept.length < items.length)
    problems.push(`state: ${where}: ${items.length - kept.length} malformed entries dropped`);
  return kept;
}

/** One service's record, field by field. */
function recordOf(data: unknown, where: string, problems: string[]): ServiceRecord {
  const empty = emptyRecord(0);
  if (!isObject(data)) {
    problems.push(`state: ${where} reset (expected object, got ${kindOf(data)})`);
    return empty;
  }
  const field = <T>(key: string, schema: z.ZodMiniType<T>, fallback: T, required = false): T => {
    const value = data[key];
    if (value === undefined && required) {
      problems.push(`state: ${where}.${key} reset (missing)`);
      return fallback;
    }
    if (value === undefined) return fallback; // added in a later release: its empty value
    const reason = why(schema, value);
    if (!reason) return schema.parse(value);
    problems.push(`state: ${where}.${key} reset (${reason})`);
    return fallback;
  };
  return {
    health: field('health', healthSchema, empty.health, true),
    checks: field('checks', totalsSchema, empty.checks, true),
    daily: mapOf(data.daily, `${where}.daily`, totalsSchema, problems, limits.MAX_DAILY_TOTALS),
    attempts: listOf(data.attempts, `${where}.attempts`, attemptSchema, problems, limits.MAX_ATTEMPTS_STORED),
    ladderStep: field('ladderStep', int, 0),
    escalatedAt: field('escalatedAt', z.optional(time), undefined),
    repairs: field('repairs', int, 0),
    predictiveRestarts: field('predictiveRestarts', int, 0),
    outages: listOf(data.outages, `${where}.outages`, outageSchema, problems, limits.MAX_OUTAGES),
    monitoredMs: field('monitoredMs', duration, 0),
    firstCheckAt: field('firstCheckAt', z.optional(time), undefined),
    ...recoveryRecordFields(field),
  };
}

/** `state.history` part by part: a malformed service's history or incident entry is dropped, not the whole. */
function historyOf(data: unknown, problems: string[]): UptimeState['history'] {
  if (data === undefined) return undefined;
  if (!isObject(data)) {
    problems.push(`state: history reset (expected object, got ${kindOf(data)})`);
    return undefined;
  }
  return {
    services: mapOf(data.services, 'history.services', serviceHistorySchema, problems),
    incidents: listOf(
      data.incidents,
      'history.incidents',
      incidentEntrySchema,
      problems,
      limits.MAX_HISTORY_INCIDENTS,
    ),
  };
}

/**
 * Parses stored state data (already JSON-decoded) with the one schema. Never throws: what is malformed is reset
 * and named in `problems`; a value that is not a version-1 state object at all becomes the empty state.
 */
export function parseStateData(data: unknown): ParsedState {
  const problems: string[] = [];
  if (!isObject(data)) {
    return { state: emptyState(), problems: [`state: reset (expected object, got ${kindOf(data)})`] };
  }
  if (data.version !== 1) {
    return {
      state: emptyState(),
      problems: [
        `state: reset (version ${JSON.stringify(data.version) ?? 'missing'}; this uptime-action reads version 1)`,
      ],
    };
  }
  const optional = <T>(key: string, schema: z.ZodMiniType<T>): T | undefined => {
    if (data[key] === undefined) return undefined;
    const reason = why(schema, data[key]);
    if (!reason) return schema.parse(data[key]);
    problems.push(`state: ${key} reset (${reason})`);
    return undefined;
  };
  const state: UptimeState = {
    version: 1,
    services: servicesOf(data.services, problems),
    pauses: mapOf(data.pauses, 'pauses', pauseSchema, problems),
    incidents: mapOf(data.incidents, 'incidents', incidentSchema, problems),
    unmonitored: listOf(data.unmonitored, 'unmonitored', outageSchema, problems, limits.MAX_UNMONITORED),
  };
  const history = historyOf(data.history, problems);
  if (history) state.history = history;
  if (data.deliveries !== undefined)
    state.deliveries = mapOf(data.deliveries, 'deliveries', time, problems, limits.MAX_DELIVERIES_STORED);
  if (data.outbox !== undefined)
    state.outbox = listOf(data.outbox, 'outbox', outboxEntrySchema, problems, limits.MAX_OUTBOX_STORED);
  if (data.notified !== undefined)
    state.notified = listOf(data.notified, 'notified', text, problems, limits.MAX_NOTIFIED_STORED);
  const mode = optional('mode', z.enum(MODES));
  if (mode !== undefined) state.mode = mode;
  const modeSetBy = optional('modeSetBy', text);
  if (modeSetBy !== undefined) state.modeSetBy = modeSetBy;
  const lastSweepAt = optional('lastSweepAt', time);
  if (lastSweepAt !== undefined) state.lastSweepAt = lastSweepAt;
  const updatedAt = optional('updatedAt', time);
  if (updatedAt !== undefined) state.updatedAt = updatedAt;
  return { state, problems };
}

/** The service records, each parsed on its own (a malformed one is reset, an unusable name dropped). */
function servicesOf(raw: unknown, problems: string[]): Record<string, ServiceRecord> {
  if (raw !== undefined && !isObject(raw))
    problems.push(`state: services reset (expected object, got ${kindOf(raw)})`);
  const services = isObject(raw) ? raw : {};
  const entries: Array<[string, ServiceRecord]> = [];
  for (const id of Object.keys(services)) {
    if (FORBIDDEN_KEYS.has(id)) {
      problems.push(`state: services.${id} dropped (not a usable name)`);
      continue;
    }
    entries.push([id, recordOf(services[id], `services.${id}`, problems)]);
  }
  return Object.fromEntries(entries);
}

/** Parses stored state text: not JSON is reset like any malformed part. */
export function parseStateText(text: string): ParsedState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return { state: emptyState(), problems: [`state: reset (not JSON: ${cause})`] };
  }
  return parseStateData(data);
}

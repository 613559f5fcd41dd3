import * as z from 'zod/mini';
import { MODES } from '../config/presets.js';
import { incidentEntrySchema, serviceHistorySchema } from '../history/schema.js';
import { emptyRecord, emptyState } from './records.js';
import { recoveryRecordFields } from './recovery-fields.js';
import type { ServiceRecord, UptimeState } from './types.js';

/**
 * The one schema of the shared state, used by every store (file, GitHub branch, memory). Parsing is by part:
 * a malformed part is reset to its empty value with a problem naming it (`services.api.health reset (expected
 * object, got number)`), so a damaged file never stops monitoring and never reaches the engine as a TypeError.
 */

const num = z.number().check(z.refine(Number.isFinite));
const int = z.number().check(z.int(), z.minimum(0));

const healthSchema = z.object({
  status: z.enum(['unknown', 'up', 'slow', 'degraded', 'down']),
  since: num,
  consecutiveFailures: int,
  consecutiveSuccesses: int,
  degradingStreak: int,
  recentResponseMs: z.array(num),
  lastCheckAt: z.optional(num),
  lastResponseMs: z.optional(num),
  lastCheckMs: z.optional(num),
  lastError: z.optional(z.string()),
  certDaysLeft: z.optional(z.number().check(z.int())),
  noRecovery: z.optional(z.literal(true)),
});
const totalsSchema = z.object({ ok: int, total: int, slow: int, responseMsTotal: num });
const attemptSchema = z.object({
  id: z.optional(z.string()),
  pending: z.optional(z.boolean()),
  action: z.enum(['restart', 'redeploy', 'rollback']),
  trigger: z.enum(['down', 'predictive', 'command']),
  at: num,
  durationMs: num,
  providerOk: z.boolean(),
  healthy: z.boolean(),
  detail: z.string(),
  by: z.optional(z.string()),
  forced: z.optional(z.string()),
  authFailed: z.optional(z.boolean()),
});
const outageSchema = z.object({ start: num, end: z.optional(num), reason: z.optional(z.string()) });
/** An open incident as the state keeps it (also the CLI's local incident index). */
export const incidentSchema = z.object({
  number: int,
  url: z.optional(z.string()),
  openedAt: num,
  kind: z.enum(['down', 'degraded']),
  ackedBy: z.optional(z.string()),
});
const pauseSchema = z.object({ until: z.optional(num), by: z.optional(z.string()), at: num });

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
  for (const key of path)
    v = isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** A map of parts by own key: entries that fail `schema` are dropped with a problem each. */
function mapOf<T>(
  data: unknown,
  where: string,
  schema: z.ZodMiniType<T>,
  problems: string[],
): Record<string, T> {
  if (data === undefined) return {};
  if (!isObject(data)) {
    problems.push(`state: ${where} reset (expected object, got ${kindOf(data)})`);
    return {};
  }
  const entries: Array<[string, T]> = [];
  for (const key of Object.keys(data)) {
    if (FORBIDDEN_KEYS.has(key)) {
      problems.push(`state: ${where}.${key} dropped (not a usable name)`);
      continue;
    }
    const reason = why(schema, data[key]);
    if (reason) problems.push(`state: ${where}.${key} dropped (${reason})`);
    else entries.push([key, schema.parse(data[key])]);
  }
  // fromEntries defines own properties: a key named `constructor` stays data, never the prototype's.
  return Object.fromEntries(entries);
}

/** A list of parts: items that fail `schema` are dropped with one problem for the list. */
function listOf<T>(data: unknown, where: string, schema: z.ZodMiniType<T>, problems: string[]): T[] {
  if (data === undefined) return [];
  if (!Array.isArray(data)) {
    problems.push(`state: ${where} reset (expected array, got ${kindOf(data)})`);
    return [];
  }
  const kept = data.filter((item) => schema.safeParse(item).success).map((item) => schema.parse(item));
  if (kept.length < data.length)
    problems.push(`state: ${where}: ${data.length - kept.length} malformed entries dropped`);
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
    daily: mapOf(data.daily, `${where}.daily`, totalsSchema, problems),
    attempts: listOf(data.attempts, `${where}.attempts`, attemptSchema, problems),
    ladderStep: field('ladderStep', int, 0),
    escalatedAt: field('escalatedAt', z.optional(num), undefined),
    repairs: field('repairs', int, 0),
    predictiveRestarts: field('predictiveRestarts', int, 0),
    outages: listOf(data.outages, `${where}.outages`, outageSchema, problems),
    monitoredMs: field('monitoredMs', num, 0),
    firstCheckAt: field('firstCheckAt', z.optional(num), undefined),
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
    incidents: listOf(data.incidents, 'history.incidents', incidentEntrySchema, problems),
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
  if (data.services !== undefined && !isObject(data.services))
    problems.push(`state: services reset (expected object, got ${kindOf(data.services)})`);
  const rawServices = isObject(data.services) ? data.services : {};
  const entries: Array<[string, ServiceRecord]> = [];
  for (const id of Object.keys(rawServices)) {
    if (FORBIDDEN_KEYS.has(id)) {
      problems.push(`state: services.${id} dropped (not a usable name)`);
      continue;
    }
    entries.push([id, recordOf(rawServices[id], `services.${id}`, problems)]);
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
    services: Object.fromEntries(entries),
    pauses: mapOf(data.pauses, 'pauses', pauseSchema, problems),
    incidents: mapOf(data.incidents, 'incidents', incidentSchema, problems),
    unmonitored: listOf(data.unmonitored, 'unmonitored', outageSchema, problems),
  };
  const history = historyOf(data.history, problems);
  if (history) state.history = history;
  if (data.notified !== undefined) state.notified = listOf(data.notified, 'notified', z.string(), problems);
  const mode = optional('mode', z.enum(MODES));
  if (mode !== undefined) state.mode = mode;
  const modeSetBy = optional('modeSetBy', z.string());
  if (modeSetBy !== undefined) state.modeSetBy = modeSetBy;
  const lastSweepAt = optional('lastSweepAt', num);
  if (lastSweepAt !== undefined) state.lastSweepAt = lastSweepAt;
  const updatedAt = optional('updatedAt', num);
  if (updatedAt !== undefined) state.updatedAt = updatedAt;
  return { state, problems };
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

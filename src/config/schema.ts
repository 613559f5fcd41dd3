import { definedFields, keysOf } from '../util/fields.js';
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import { duration } from '../util/duration.js';
import { PROVIDERS, descriptorFor, type ProviderType, type RecoveryConfig } from '../providers/registry.js';
import type { ProviderService } from '../providers/types.js';
import type { MonitoredService } from '../monitors/types.js';
import type { RecoveryAction } from '../providers/descriptor.js';
import { notifySchema, statusPageSchema, type NotifyTarget, type StatusPageConfig } from './notify.js';
import { MODES, PRESETS, type Mode, type Preset, type Tuning } from './presets.js';
import { apiBudgetSchema, type ApiBudgetConfig } from '../providers/call-budget.js';
import {
  burnRateSchema,
  deployAnalysisSchema,
  dependencyProblems,
  type BurnRateConfig,
  type DeployAnalysisConfig,
} from './recovery-keys.js';
import { MONITOR_KEYS, MONITOR_TYPES, monitorFor, type MonitorSettings } from '../monitors/registry.js';

/**
 * The config file (`.github/uptime.yml`), validated once at the edge into `Config`.
 * Keys are the public contract (docs/configuration.md); add, don't rename.
 * Built with `zod/mini` (a tenth of classic zod's size and load time in the Action's bundle); it ships no
 * messages, so the English ones that classic zod installs on import are installed here, the same global setting.
 */
z.config(en());

/** Milliseconds, from a number or a string like `5s` (moved to util/duration.ts for the provider schemas). */
export { duration };

const positiveInt = (max: number) => z.number().check(z.int(), z.minimum(1), z.maximum(max));

// Recovery actions and the `recovery` keys of each provider live in the provider files (a provider is one
// file); the union below is derived from the registry. Providers import nothing from config/
// (docs/architecture.md, "Layers").
export { RECOVERY_ACTIONS, type RecoveryAction } from '../providers/descriptor.js';
type SchemasOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends { configSchema: infer S } ? S : never;
};

export const PROVIDER_TYPES: readonly ProviderType[] = PROVIDERS.map((d) => d.type);

export const recoverySchema = z.discriminatedUnion(
  'provider',
  PROVIDERS.map((d) => d.configSchema) as unknown as SchemasOf<typeof PROVIDERS>,
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `provider must be one of ${PROVIDER_TYPES.join(', ')}.` : undefined,
  },
);

const statusExpectation = z.union([
  z.number().check(z.int(), z.minimum(100), z.maximum(599)),
  z.string(),
  z.array(z.union([z.number(), z.string()])),
]);

const expectSchema = z.strictObject({
  /** `200`, `"200-299"`, `"2xx"`, or a list of those. @default "200-399" */
  status: z.optional(statusExpectation),
  /** A substring the body must contain. */
  body: z.optional(z.string()),
  /** JSON paths and the values they must equal, e.g. `{ "status": "ok", "checks.db": true }`. */
  json: z.optional(z.record(z.string(), z.unknown())),
});

export const SERVICE_KEY = /^[a-z0-9][a-z0-9_-]*$/i;

/** `locations: { quorum: 2 }`: down (and recovered) only when this many live locations see it failing. */
const locationsSchema = z.strictObject({ quorum: positiveInt(50) });

const serviceSchema = z.strictObject({
  name: z.optional(z.string().check(z.minLength(1))),
  /** What is checked (src/monitors): http (default), heartbeat, tls, tcp or dns. */
  type: z.optional(z.enum(MONITOR_TYPES)),
  /** The health URL; required for `type: http` only. */
  url: z.optional(
    z.url({
      protocol: /^https?$/,
      error: 'must be a full http(s) URL such as https://api.example.com/health.',
    }),
  ),
  method: z.optional(z.enum(['GET', 'HEAD', 'POST'])),
  headers: z.optional(z.record(z.string(), z.string())),
  expect: z.optional(expectSchema),
  timeout: z._default(duration({ min: 100, max: 300_000 }), 10_000),
  recovery: z.optional(recoverySchema),
  /** Services this one needs (docs/recovery.md): while one of them fails, this one waits for its recovery. */
  dependsOn: z.optional(z.array(z.string())),
  /** `degraded-deploy`: the `rollback` step may run for a deploy that made the service slower or erroring. */
  rollbackOn: z.optional(z.enum(['degraded-deploy'])),
  /** Burn-rate alert tuning for this service (docs/recovery.md). */
  burnRate: z.optional(burnRateSchema),
  // The keys of the other monitor types (every, grace, token, host, port, records, warnDays, ...).
  ...MONITOR_KEYS,
  /** This service's own quorum of locations (docs/scale-out.md); overrides the top-level `locations`. */
  locations: z.optional(locationsSchema),
});

/** Service keys every monitor type accepts. */
const COMMON_SERVICE_KEYS = new Set([
  'name',
  'type',
  'timeout',
  'recovery',
  'dependsOn',
  'rollbackOn',
  'burnRate',
  'locations',
]);

/** Keys set for a monitor type that does not use them, and keys it needs that are missing. */
function monitorKeyProblems(
  key: string,
  service: Record<string, unknown>,
): Array<{ path: string[]; message: string }> {
  const monitor = monitorFor(typeof service.type === 'string' ? service.type : undefined);
  const problems: Array<{ path: string[]; message: string }> = [];
  for (const [name, value] of Object.entries(service)) {
    if (value === undefined || COMMON_SERVICE_KEYS.has(name) || monitor.uses.includes(name)) continue;
    problems.push({
      path: ['services', key, name],
      message: `is not used by ${monitor.type === 'http' ? 'an' : 'a'} ${monitor.type} service; remove it${name === 'url' ? ' (a non-http service has no url)' : ''}, or set type: to the kind of check it belongs to.`,
    });
  }
  for (const [name, fix] of Object.entries(monitor.requires)) {
    if (service[name] === undefined)
      problems.push({
        path: ['services', key, name],
        message: `is missing (${monitor.type === 'http' ? 'an' : 'a'} ${monitor.type} service needs it); ${fix}`,
      });
  }
  return problems;
}

/** `rollbackWindow` when the config does not set it: 30 minutes. */
export const DEFAULT_ROLLBACK_WINDOW_MS = 30 * 60_000;

export const PERMISSION_LEVELS = ['read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];
export const COMMANDS = [
  'status',
  'restart',
  'redeploy',
  'rollback',
  'mode',
  'pause',
  'resume',
  'ack',
  'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export const DEFAULT_PERMISSIONS: Record<CommandName, PermissionLevel> = {
  status: 'read',
  help: 'read',
  restart: 'write',
  redeploy: 'write',
  rollback: 'write',
  pause: 'write',
  resume: 'write',
  ack: 'write',
  mode: 'admin',
};

export const configSchema = z
  .strictObject({
    mode: z._default(z.enum(MODES), 'normal'),
    preset: z.optional(z.enum(PRESETS)),
    healthCheckInterval: z.optional(duration({ min: 1000, max: 86_400_000 })),
    maxConsecutiveFailures: z.optional(positiveInt(100)),
    slowResponseThreshold: z.optional(duration({ min: 1, max: 600_000 })),
    degradationThreshold: z.optional(positiveInt(100)),
    parallelRecovery: z.optional(z.boolean()),
    predictiveRestart: z.optional(z.boolean()),
    restartAttemptDelay: z.optional(duration({ max: 86_400_000 })),
    successThreshold: z.optional(positiveInt(100)),
    recoveryTimeout: z.optional(duration({ min: 1000, max: 3_600_000 })),
    restartBudget: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100))),
    restartWindow: z.optional(duration({ min: 60_000, max: 7 * 86_400_000 })),
    maxBackoff: z.optional(duration({ min: 1000, max: 86_400_000 })),
    /** Probes in flight at once during a sweep. @default 50 */
    probeConcurrency: z._default(positiveInt(10_000), 50),
    /** Availability target in percent, for the SLO error budget. @default 99.9 */
    slo: z._default(z.number().check(z.gt(0), z.lt(100)), 99.9),
    /** GitHub logins mentioned when recovery escalates to humans. */
    assignees: z._default(z.array(z.string().check(z.regex(/^@?[A-Za-z0-9-]+$/))), []),
    /** Permission each slash command needs, e.g. `{ restart: maintain }`. */
    permissions: z._default(z.partialRecord(z.enum(COMMANDS), z.enum(PERMISSION_LEVELS)), {}),
    /** Open incident issues for degraded (not only down) services. @default false */
    incidentOnDegraded: z._default(z.boolean(), false),
    /** A `rollback` step runs only when the outage began this soon after the latest deploy. @default 30m */
    rollbackWindow: z._default(duration({ min: 0, max: 30 * 86_400_000 }), DEFAULT_ROLLBACK_WINDOW_MS),
    /** Deploy analysis thresholds (docs/recovery.md). */
    deployAnalysis: z.optional(deployAnalysisSchema),
    /** Burn-rate alert defaults for every service (docs/recovery.md). */
    burnRate: z.optional(burnRateSchema),
    /** The platforms' API call budgets (docs/recovery.md). */
    apiBudget: z.optional(apiBudgetSchema),
    /** Notification targets (src/config/notify.ts). */
    notify: z.optional(notifySchema),
    /** The status page (src/site). */
    statusPage: z.optional(statusPageSchema),
    /** Scale-out: the quorum of locations (docs/scale-out.md). */
    locations: z.optional(locationsSchema),
    services: z.record(z.string(), serviceSchema),
  })
  .check(
    z.superRefine((config, ctx) => {
      const keys = Object.keys(config.services);
      if (keys.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['services'],
          message: 'has no services; add at least one under services:.',
        });
      }
      for (const problem of dependencyProblems(config.services)) ctx.addIssue({ code: 'custom', ...problem });
      for (const key of keys) {
        if (!SERVICE_KEY.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', key],
            message: `"${key}" is not a valid service key; use letters, digits, "-" and "_" (it is typed in commands like /restart ${key}).`,
          });
        }
        for (const problem of monitorKeyProblems(key, config.services[key]))
          ctx.addIssue({ code: 'custom', ...problem });
        const recovery = config.services[key].recovery;
        if (
          recovery?.provider === 'command' &&
          recovery.actions?.includes('redeploy') &&
          !recovery.redeploy
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', key, 'recovery', 'actions'],
            message:
              'lists redeploy but the command provider has no redeploy command; add recovery.redeploy or drop it from actions.',
          });
        }
      }
    }),
  );

export type RawConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/**
 * One service as the rest of the code reads it: what the monitors check (`MonitoredService`, with the HTTP
 * probe's fields), what the providers act on (`ProviderService`), and the keys of recovery and alerting.
 */
export interface ServiceConfig extends MonitoredService, ProviderService {
  /** `dependsOn`: the services this one needs. */
  dependsOn?: string[];
  /** `rollbackOn: degraded-deploy`. */
  rollbackOn?: 'degraded-deploy';
  /** Per-service burn-rate tuning (over the config's `burnRate`). */
  burnRate?: BurnRateConfig;
  /** This service's quorum of locations (scale-out); absent = the config's. */
  locations?: { quorum: number };
}

export interface Config {
  /** Where it came from, for messages: a file path or `environment variables (BACKEND_URL, COQUI_API_URL)`. */
  source: string;
  mode: Mode;
  preset?: Preset;
  /** Only the tuning keys the config sets; `resolveTuning` fills the rest from the preset. */
  tuning: Partial<Tuning>;
  probeConcurrency: number;
  slo: number;
  assignees: string[];
  permissions: Record<CommandName, PermissionLevel>;
  incidentOnDegraded: boolean;
  /** `rollbackWindow` in ms (absent in configs built by hand: {@link DEFAULT_ROLLBACK_WINDOW_MS}). */
  rollbackWindow?: number;
  /** `deployAnalysis:` thresholds; absent = the defaults (src/recovery/deploy.ts). */
  deployAnalysis?: DeployAnalysisConfig;
  /** `burnRate:` defaults for every service. */
  burnRate?: BurnRateConfig;
  /** `apiBudget:` per platform; absent = the defaults (src/providers/call-budget.ts). */
  apiBudget?: ApiBudgetConfig;
  /** `notify:` targets; absent = none. */
  notify?: NotifyTarget[];
  /** `statusPage:`. */
  statusPage?: StatusPageConfig;
  /** `locations:` (scale-out): absent = every failure counts, as with one location. */
  locations?: { quorum: number };
  services: Record<string, ServiceConfig>;
  /** Valid but probably a mistake (`timeout: 10 means 10 ms`): faces print them. Absent when none. */
  warnings?: Array<{ path: string; message: string; fix?: string }>;
}

export const TUNING_KEYS = [
  'healthCheckInterval',
  'maxConsecutiveFailures',
  'slowResponseThreshold',
  'degradationThreshold',
  'parallelRecovery',
  'predictiveRestart',
  'restartAttemptDelay',
  'successThreshold',
  'recoveryTimeout',
  'restartBudget',
  'restartWindow',
  'maxBackoff',
] as const satisfies ReadonlyArray<keyof Tuning>;

/** Turns a `status` expectation into inclusive ranges; returns an error message when it can't. */
export function parseStatusRanges(value: unknown): Array<[number, number]> | string {
  if (value === undefined) return [[200, 399]];
  const items = Array.isArray(value) ? value : [value];
  const ranges: Array<[number, number]> = [];
  for (const item of items) {
    const text = String(item).trim().toLowerCase();
    let m: RegExpMatchArray | null;
    if ((m = text.match(/^(\d{3})$/))) ranges.push([Number(m[1]), Number(m[1])]);
    else if ((m = text.match(/^(\d{3})\s*-\s*(\d{3})$/))) ranges.push([Number(m[1]), Number(m[2])]);
    else if ((m = text.match(/^([1-5])xx$/))) ranges.push([Number(m[1]) * 100, Number(m[1]) * 100 + 99]);
    else return `${JSON.stringify(item)} is not a status; use 200, "200-299" or "2xx".`;
  }
  for (const [lo, hi] of ranges) {
    if (lo < 100 || hi > 599 || lo > hi)
      return `${lo}-${hi} is not a valid status range (100-599, low to high).`;
  }
  return ranges;
}

/** One service's config with its defaults; a bad `expect.status` is added to `problems`. */
function toServiceConfig(
  key: string,
  s: Parsed['services'][string],
  problems: Array<{ path: string; message: string }>,
): ServiceConfig {
  const status = parseStatusRanges(s.expect?.status);
  if (typeof status === 'string') problems.push({ path: `services.${key}.expect.status`, message: status });
  let recovery: RecoveryConfig | undefined;
  if (s.recovery) {
    const defaults: RecoveryAction[] = descriptorFor(s.recovery.provider).defaultActions(s.recovery);
    recovery = { ...s.recovery, actions: s.recovery.actions ?? defaults };
  }
  const settings: MonitorSettings = definedFields(s, keysOf(MONITOR_KEYS));
  return {
    id: key,
    name: s.name ?? key,
    ...(s.type && s.type !== 'http' ? { type: s.type } : {}),
    url: s.url ?? monitorFor(s.type).target({ id: key, ...settings }),
    ...(Object.keys(settings).length ? { monitor: settings } : {}),
    method: s.method ?? 'GET',
    headers: s.headers ?? {},
    expect: {
      status: typeof status === 'string' ? [] : status,
      body: s.expect?.body,
      json: s.expect?.json,
    },
    timeout: s.timeout,
    recovery,
    ...(s.dependsOn?.length ? { dependsOn: s.dependsOn } : {}),
    ...(s.rollbackOn ? { rollbackOn: s.rollbackOn } : {}),
    ...(s.burnRate ? { burnRate: s.burnRate } : {}),
    ...(s.locations ? { locations: s.locations } : {}),
  };
}

/** Fills defaults that depend on other keys; called after the schema passed. */
export function toConfig(
  parsed: Parsed,
  source: string,
): Config | { problems: Array<{ path: string; message: string }> } {
  const problems: Array<{ path: string; message: string }> = [];
  const services: Record<string, ServiceConfig> = {};
  for (const [key, s] of Object.entries(parsed.services)) services[key] = toServiceConfig(key, s, problems);
  if (problems.length) return { problems };
  const tuning: Partial<Tuning> = definedFields(parsed, TUNING_KEYS);
  return {
    source,
    mode: parsed.mode,
    preset: parsed.preset,
    tuning,
    probeConcurrency: parsed.probeConcurrency,
    slo: parsed.slo,
    assignees: parsed.assignees.map((a) => a.replace(/^@/, '')),
    permissions: { ...DEFAULT_PERMISSIONS, ...parsed.permissions },
    incidentOnDegraded: parsed.incidentOnDegraded,
    rollbackWindow: parsed.rollbackWindow,
    ...(parsed.deployAnalysis ? { deployAnalysis: parsed.deployAnalysis } : {}),
    ...(parsed.burnRate ? { burnRate: parsed.burnRate } : {}),
    ...(parsed.apiBudget ? { apiBudget: parsed.apiBudget } : {}),
    ...(parsed.notify ? { notify: parsed.notify } : {}),
    ...(parsed.statusPage ? { statusPage: parsed.statusPage } : {}),
    ...(parsed.locations ? { locations: parsed.locations } : {}),
    services,
  };
}

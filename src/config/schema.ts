import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import {
  notifySchema,
  statusPageSchema,
  type NotifyTarget,
  type StatusPageConfig,
} from '../notify/schema.js';
import { parseDuration } from '../util/duration.js';
import { MODES, PRESETS, type Mode, type Preset, type Tuning } from './presets.js';

/**
 * The config file (`.github/uptime.yml`), validated once at the edge into `Config`.
 * Keys are the public contract of ARCHITECTURE.md; add, don't rename.
 * Built with `zod/mini` (a tenth of classic zod's size and load time in the Action's bundle); it ships no
 * messages, so the English ones that classic zod installs on import are installed here, the same global setting.
 */
z.config(en());

const durationMessage =
  'is not a duration. Use milliseconds (5000) or a string like "500ms", "5s", "2m", "1h".';

/** Milliseconds, from a number or a string like `5s`. */
export const duration = (opts: { min?: number; max?: number } = {}) =>
  z.pipe(
    z.union([z.number(), z.string()], { error: `must be a duration; ${durationMessage}` }),
    z.transform((value: number | string, ctx) => {
      const problem = (message: string) => {
        ctx.issues.push({ code: 'custom', message, input: value });
        return z.NEVER;
      };
      const ms = parseDuration(value);
      if (ms === undefined) return problem(`${JSON.stringify(value)} ${durationMessage}`);
      if (opts.min !== undefined && ms < opts.min)
        return problem(`${JSON.stringify(value)} is too short; the minimum is ${opts.min}ms.`);
      if (opts.max !== undefined && ms > opts.max)
        return problem(`${JSON.stringify(value)} is too long; the maximum is ${opts.max}ms.`);
      return ms;
    }),
  );

const positiveInt = (max: number) => z.number().check(z.int(), z.minimum(1), z.maximum(max));

export const RECOVERY_ACTIONS = ['restart', 'redeploy'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];
const actions = z.array(z.enum(RECOVERY_ACTIONS)).check(z.minLength(1));

export const PROVIDER_TYPES = ['railway', 'render', 'fly', 'heroku', 'webhook', 'command'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

const id = z.string().check(z.minLength(1));

const railway = z.strictObject({
  provider: z.literal('railway'),
  serviceId: id,
  environmentId: z.optional(id),
  projectId: z.optional(id),
  actions: z.optional(actions),
});
const render = z.strictObject({ provider: z.literal('render'), serviceId: id, actions: z.optional(actions) });
const fly = z.strictObject({
  provider: z.literal('fly'),
  app: id,
  /** Only these machines (default: every machine of the app). */
  machines: z.optional(z.array(id)),
  actions: z.optional(actions),
});
const heroku = z.strictObject({
  provider: z.literal('heroku'),
  app: id,
  /** Only this dyno or process type, e.g. `web` or `web.1` (default: all dynos). */
  dyno: z.optional(id),
  actions: z.optional(actions),
});
const webhook = z.strictObject({
  provider: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be a full http(s) URL.' }),
  /** Name of the environment variable holding a shared secret, sent in `secretHeader`. */
  secretEnv: z.optional(z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/i))),
  secretHeader: z._default(z.string().check(z.minLength(1)), 'X-Uptime-Secret'),
  timeout: z._default(duration({ min: 100, max: 600_000 }), 30_000),
  actions: z.optional(actions),
});
const command = z.strictObject({
  provider: z.literal('command'),
  /** Shell command that restarts the service, e.g. `systemctl restart api`. */
  restart: z.string().check(z.minLength(1)),
  /** Shell command that redeploys it (optional; without it the ladder is restart only). */
  redeploy: z.optional(z.string().check(z.minLength(1))),
  cwd: z.optional(z.string().check(z.minLength(1))),
  timeout: z._default(duration({ min: 100, max: 3_600_000 }), 60_000),
  actions: z.optional(actions),
});

export const recoverySchema = z.discriminatedUnion(
  'provider',
  [railway, render, fly, heroku, webhook, command],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `provider must be one of ${PROVIDER_TYPES.join(', ')}.` : undefined,
  },
);
export type RecoveryConfig = z.output<typeof recoverySchema> & { actions: RecoveryAction[] };

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

const serviceSchema = z.strictObject({
  name: z.optional(z.string().check(z.minLength(1))),
  url: z.url({
    protocol: /^https?$/,
    error: 'must be a full http(s) URL such as https://api.example.com/health.',
  }),
  method: z._default(z.enum(['GET', 'HEAD', 'POST']), 'GET'),
  headers: z.optional(z.record(z.string(), z.string())),
  expect: z.optional(expectSchema),
  timeout: z._default(duration({ min: 100, max: 300_000 }), 10_000),
  recovery: z.optional(recoverySchema),
});

export const PERMISSION_LEVELS = ['read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];
export const COMMANDS = ['status', 'restart', 'redeploy', 'mode', 'pause', 'resume', 'ack', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const DEFAULT_PERMISSIONS: Record<CommandName, PermissionLevel> = {
  status: 'read',
  help: 'read',
  restart: 'write',
  redeploy: 'write',
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
    probeConcurrency: z._default(positiveInt(1000), 50),
    /** Availability target in percent, for the SLO error budget. @default 99.9 */
    slo: z._default(z.number().check(z.gt(0), z.lt(100)), 99.9),
    /** GitHub logins mentioned when recovery escalates to humans. */
    assignees: z._default(z.array(z.string().check(z.regex(/^@?[A-Za-z0-9-]+$/))), []),
    /** Permission each slash command needs, e.g. `{ restart: maintain }`. */
    permissions: z._default(z.partialRecord(z.enum(COMMANDS), z.enum(PERMISSION_LEVELS)), {}),
    /** Open incident issues for degraded (not only down) services. @default false */
    incidentOnDegraded: z._default(z.boolean(), false),
    /** Notification targets (src/notify/schema.ts). */
    notify: z.optional(notifySchema),
    /** The status page (src/site). */
    statusPage: z.optional(statusPageSchema),
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
      for (const key of keys) {
        if (!SERVICE_KEY.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', key],
            message: `"${key}" is not a valid service key; use letters, digits, "-" and "_" (it is typed in commands like /restart ${key}).`,
          });
        }
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

export interface ServiceConfig {
  /** The key under `services:`, used in commands (`/restart coqui`) and labels (`service:coqui`). */
  id: string;
  /** Display name (default: the key). */
  name: string;
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  expect: { status: Array<[number, number]>; body?: string; json?: Record<string, unknown> };
  /** Probe timeout in ms. */
  timeout: number;
  recovery?: RecoveryConfig;
}

export interface Config {
  /** Where it came from, for messages: a file path or `environment (seed variables)`. */
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
  /** `notify:` targets; absent = none. */
  notify?: NotifyTarget[];
  /** `statusPage:`. */
  statusPage?: StatusPageConfig;
  services: Record<string, ServiceConfig>;
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

const DEFAULT_ACTIONS: Record<ProviderType, RecoveryAction[]> = {
  railway: ['restart', 'redeploy'],
  render: ['restart', 'redeploy'],
  fly: ['restart'],
  heroku: ['restart'],
  webhook: ['restart', 'redeploy'],
  command: ['restart', 'redeploy'],
};

/** Fills defaults that depend on other keys; called after the schema passed. */
export function toConfig(
  parsed: Parsed,
  source: string,
): Config | { problems: Array<{ path: string; message: string }> } {
  const problems: Array<{ path: string; message: string }> = [];
  const services: Record<string, ServiceConfig> = {};
  for (const [key, s] of Object.entries(parsed.services)) {
    const status = parseStatusRanges(s.expect?.status);
    if (typeof status === 'string') problems.push({ path: `services.${key}.expect.status`, message: status });
    let recovery: RecoveryConfig | undefined;
    if (s.recovery) {
      let defaults = DEFAULT_ACTIONS[s.recovery.provider];
      if (s.recovery.provider === 'command' && !s.recovery.redeploy) defaults = ['restart'];
      recovery = { ...s.recovery, actions: s.recovery.actions ?? defaults } as RecoveryConfig;
    }
    services[key] = {
      id: key,
      name: s.name ?? key,
      url: s.url,
      method: s.method,
      headers: s.headers ?? {},
      expect: {
        status: typeof status === 'string' ? [] : status,
        body: s.expect?.body,
        json: s.expect?.json,
      },
      timeout: s.timeout,
      recovery,
    };
  }
  if (problems.length) return { problems };
  const tuning: Partial<Tuning> = {};
  for (const key of TUNING_KEYS) {
    const value = parsed[key];
    if (value !== undefined) (tuning as Record<string, unknown>)[key] = value;
  }
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
    ...(parsed.notify ? { notify: parsed.notify } : {}),
    ...(parsed.statusPage ? { statusPage: parsed.statusPage } : {}),
    services,
  };
}

import type { RecoveryAction } from './descriptor.js';
import type { RecoveryConfig } from './registry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { ApiBudgetConfig, CallBudgets, CallPurpose } from './call-budget.js';

/**
 * What a provider reads of a service: its key, name, URL and `recovery:` block. A `ServiceConfig` is one; the
 * type is declared here so the providers import nothing from `config/` (the config composes their schemas).
 */
export interface ProviderService {
  /** The key under `services:`. */
  id: string;
  name: string;
  url: string;
  recovery?: RecoveryConfig;
}

/** What a provider needs from the outside world; passed in, never read at import. */
export interface ProviderContext {
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /**
   * The fetch for URLs a config chose (the webhook provider's `url`): on a hosted bot it refuses private
   * targets (src/util/net.ts). Platform APIs (RAILWAY_API_URL, ...) are the operator's and use `fetch`.
   * @default fetch
   */
  configFetch?: typeof fetch;
  /** Called on each retry so the incident can record it. */
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
  /**
   * Which variables a config may name (`recovery.secretEnv`, `recovery.env`). The hosted bot passes its
   * `UPTIME_CONFIG_ENV` allowlist; the Action and CLI leave it unset (every variable allowed).
   */
  allowedEnv?: (name: string) => boolean;
  /** Overrides of the providers' request and follow-through timing (tests, demos, chaos runs). */
  timing?: ProviderTiming;
  /** Why these calls are made: forensics and diagnostics yield to recovery (src/providers/call-budget.ts). @default 'recovery' */
  callPurpose?: CallPurpose;
  /** The call budgets to use. @default the process's shared ones */
  callBudgets?: CallBudgets;
  /** The config's `apiBudget` (limits per platform); absent = the defaults. */
  apiBudget?: ApiBudgetConfig;
  /** Makes the signal that ends one request after `ms` (tests expire it themselves). @default AbortSignal.timeout */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** How long providers wait; every field optional, defaults in each provider's doc comment. */
export interface ProviderTiming {
  /** One HTTP request, in ms. @default 15000 */
  requestTimeoutMs?: number;
  /** Extra attempts after the first for 5xx, 429 and timeouts. @default 3 */
  retries?: number;
  /** Backoff before the first retry, doubled each time, in ms. @default 1000 */
  retryBaseDelayMs?: number;
  /** Between two deployment-status polls, in ms. @default 5000 */
  pollIntervalMs?: number;
  /** How long to follow a deployment until it is live, in ms. @default 600000 */
  deadlineMs?: number;
  /** 0..1 for retry jitter. @default Math.random */
  random?: () => number;
}

/** The outcome of one restart or redeploy call (not yet whether the service answers healthy). */
export interface ActionResult {
  ok: boolean;
  /** One line for people: what the platform did, e.g. `deployment 3f2a restarted (SUCCESS)`. */
  detail: string;
  /** Command output (command provider), trimmed and bounded. */
  output?: string;
  deploymentId?: string;
}

/** One row of `uptime-action doctor`. */
export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}

/** One hosting platform: restart, redeploy, status. Read-only checks for `doctor`. */
export interface Provider {
  /** The config's `recovery.provider`, e.g. `railway`. */
  readonly type: string;
  /** Restarts the service; resolves when the platform says it is done (or failed). Throws ProviderError. */
  restart(service: ProviderService, ctx: ProviderContext): Promise<ActionResult>;
  /** Redeploys the service. Throws ProviderError. */
  redeploy(service: ProviderService, ctx: ProviderContext): Promise<ActionResult>;
  /** The platform's view of the service (e.g. latest deployment status). */
  status?(service: ProviderService, ctx: ProviderContext): Promise<{ state: string; detail: string }>;
  /** Read-only checks: token accepted, service exists, permission. Never restarts anything. */
  doctor?(service: ProviderService, ctx: ProviderContext): Promise<DoctorCheck[]>;
  /** The latest deployment and the last successful one before it (forensics, docs/recovery.md). Read-only. */
  deployments?(service: ProviderService, ctx: ProviderContext): Promise<DeploymentHistory>;
  /** The last log lines of a deployment, oldest first. Read-only. */
  logs?(service: ProviderService, ctx: ProviderContext, options: LogsOptions): Promise<LogLine[]>;
  /** Rolls back to `toDeploymentId` (default: the previous successful deployment); `dryRun` only names it. */
  rollback?(service: ProviderService, ctx: ProviderContext, options?: RollbackOptions): Promise<ActionResult>;
}

/** One deployment (Railway deployment, Render deploy, Heroku release, Fly release). */
export interface Deployment {
  id: string;
  /** The platform's own status word, e.g. `SUCCESS`, `live`, `succeeded`, `complete`. */
  status: string;
  /** ISO 8601. */
  createdAt: string;
  commitSha?: string;
  commitMessage?: string;
  /** The image it runs, where the platform names one instead of a commit (Fly: `registry.fly.io/app:deployment-…`). */
  image?: string;
  /** The platform's release number, where it has one (Heroku `v42`, Fly `fly_release_version`). */
  version?: string;
}

/** What `deployments()` answers. */
export interface DeploymentHistory {
  /** The newest deployment, or undefined when there is none. */
  latest?: Deployment;
  /** The newest successful deployment older than `latest`: the rollback target. */
  previousSuccessful?: Deployment;
}

export interface LogsOptions {
  deploymentId: string;
  /** Lines wanted. @default 50 */
  limit?: number;
  /** Only lines before this ISO 8601 time. */
  before?: string;
}

export interface LogLine {
  /** ISO 8601, when the platform gives one. */
  timestamp?: string;
  message: string;
  severity?: string;
}

export interface RollbackOptions {
  /** The deployment to go back to; default the previous successful one. */
  toDeploymentId?: string;
  /** Only find and name the target; change nothing. */
  dryRun?: boolean;
}

/** A provider call that failed. The message names the service, the operation, the cause and the fix. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly details: {
      service: string;
      provider: string;
      operation: RecoveryAction | 'status' | 'doctor' | string;
      status?: number;
      fix?: string;
      /** Auth errors: doctor's checks are worth logging. */
      auth?: boolean;
    },
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** A doctor row for a failed read: an auth refusal is "token accepted ❌", anything else is about `subject`. */
export function failedDoctorCheck(error: unknown, subject: string): DoctorCheck {
  const status = error instanceof ProviderError ? error.details.status : undefined;
  return {
    check: status === 401 || status === 403 ? 'token accepted' : subject,
    ok: false,
    detail: error instanceof Error ? error.message : String(error),
    fix: error instanceof ProviderError ? error.details.fix : undefined,
  };
}

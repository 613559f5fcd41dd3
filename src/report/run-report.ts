import type { Mode } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import type { RecoveryAttempt, UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { isFailing, overallStatus, type OverallStatus } from './status.js';
import { gitHubMarkdown } from '../util/escape.js';
import { renderRunSummary, type MarkdownLine, type TokenProblem } from './summary.js';
import { uptimeFromTime } from './uptime.js';
import type { EngineEvent, PlanItem, ServiceOutcome, SweepResult } from '../outcome/types.js';

/**
 * What a run (one sweep or a watch of any length) found and did, as every face reports it: the Action's
 * outputs and job summary, `uptime-action sweep`'s text and `--json`, the hosted watch's log. Built from a
 * {@link RunTally} (bounded however long the watch) and the state after the run.
 */

/** Entries kept per list of the tally (lines, attempts per service): a watch of days stays small. */
const TALLY_KEEP = 200;

/** One recovery attempt as the report carries it. */
export interface AttemptReport {
  action: string;
  trigger: string;
  ok: boolean;
  healthy: boolean;
  durationMs: number;
  detail: string;
}

/** Per service, as the Action's `report` output and `sweep --json` carry it. */
export interface ServiceReport {
  name: string;
  /** The service's status at the end (src/report/status.ts): up, slow, degraded, down or paused. */
  status: ServiceOutcome['status'];
  /** The latest check failed although the mode's rules do not call the service down (yet). */
  failing?: boolean;
  /** The monitor could not probe it (its own EMFILE): neither healthy nor failing. */
  unchecked?: boolean;
  /** Time-based uptime in percent (as in the job summary); absent before any time was watched. */
  uptimePercent?: number;
  responseMs?: number;
  error?: string;
  incident?: number;
  recovered: boolean;
  /** What was done: one entry per recovery attempt this run. */
  actions: AttemptReport[];
  /** What would be done (dry-run) or was decided: `restart: API is down (...)`. */
  planned: string[];
  /** The same decisions as values. */
  plannedItems: PlanItem[];
}

/** The `report` JSON (the Action's output). */
export interface RunReportJson {
  mode: Mode;
  status: OverallStatus;
  dryRun: boolean;
  sweeps: number;
  services: Record<string, ServiceReport>;
  cronGap?: string;
}

/** Facts of the run the sweeps don't carry. */
export interface RunContext {
  config: Config;
  now: number;
  env: NodeJS.ProcessEnv;
  dryRun?: boolean;
  /** Writes outside the sweeps (state branch, status page), in words. */
  storeWrites?: string[];
  /** A cron gap found before the run (a warning). */
  cronGap?: string;
  /** Why the shared state could not be read (the run used an in-memory state). */
  stateUnavailable?: string;
  lastActivityAt?: number;
  /** Whether a state write was asked for. */
  wrote: boolean;
  /** The variables that hold a provider's token (the registry's descriptor), for the summary's token hints. */
  secretEnvOf: (provider: string) => readonly string[];
  /**
   * Whether a service's "not checked" is by design (a heartbeat where no pings arrive: the monitors registry's
   * `needsPings`); such a service neither degrades nor fails the run. @default none
   */
  uncheckedByDesign?: (service: string) => boolean;
}

/** What every face formats. */
export interface RunResult {
  status: OverallStatus;
  /** Service keys down at the end. */
  down: string[];
  /** Service keys that were down and came back this run. */
  recovered: string[];
  /** Incident issues opened, resolved or still open. */
  incidents: number[];
  report: RunReportJson;
  /** Markdown for the job summary: the status table and what was done. */
  summary: string;
  /** Lines for people: what was written and done, in order. */
  done: string[];
  /** Problems worth an annotation (incident-log errors, a cron gap). */
  warnings: string[];
  /** Set when the step (or the command) must fail: a service is still down after recovery. */
  failure?: string;
  state: UptimeState;
  /** Whether a state write was asked for (the store still skips it when nothing differs). */
  wrote: boolean;
  /** The last sweep's outcomes, per service. */
  outcomes: Record<string, ServiceOutcome>;
}

/** A list that keeps each value once and only the newest `keep`. */
class Recent<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly keep = TALLY_KEEP) {}
  add(key: string, item: T): void {
    this.items.delete(key);
    this.items.set(key, item);
    const oldest = this.items.keys().next();
    if (this.items.size > this.keep && !oldest.done) this.items.delete(oldest.value);
  }
  values(): T[] {
    return [...this.items.values()];
  }
}

/** Everything a run's sweeps say, kept bounded (see {@link TALLY_KEEP}). */
export class RunTally {
  sweeps = 0;
  last?: SweepResult;
  private readonly recovered = new Set<string>();
  private readonly incidents = new Set<number>();
  private readonly attempts = new Map<string, RecoveryAttempt[]>();
  private readonly planned = new Map<string, Recent<PlanItem>>();
  private readonly lines = new Recent<MarkdownLine>();
  private readonly errors = new Recent<string>();
  private readonly writes = new Recent<string>();

  constructor(private readonly config: Config) {}

  add(result: SweepResult): void {
    this.sweeps++;
    this.last = result;
    for (const o of Object.values(result.services)) {
      if (o.recovered) this.recovered.add(o.service);
      if (o.attempts.length) {
        const kept = [...(this.attempts.get(o.service) ?? []), ...o.attempts];
        this.attempts.set(o.service, kept.slice(-TALLY_KEEP));
      }
      for (const p of o.planned) {
        const list = this.planned.get(o.service) ?? new Recent<PlanItem>();
        list.add(`${p.action}: ${p.reason}`, p);
        this.planned.set(o.service, list);
      }
    }
    for (const e of result.events) {
      if (e.type === 'incident-opened' || e.type === 'incident-resolved') this.incidents.add(e.number);
      if (e.type === 'error') this.errors.add(e.message, e.message);
      // A watch repeats the same line every sweep (a paused service, a backoff): each line once, in order.
      const line = describeEvent(this.config, e);
      if (line !== undefined) this.lines.add(line.text, line);
    }
    for (const w of result.writes) this.writes.add(w, w);
  }

  recoveredServices(): string[] {
    return [...this.recovered];
  }
  incidentNumbers(): number[] {
    return [...this.incidents];
  }
  attemptsOf(service: string): RecoveryAttempt[] {
    return this.attempts.get(service) ?? [];
  }
  plannedOf(service: string): PlanItem[] {
    return this.planned.get(service)?.values() ?? [];
  }
  /** What was done, each line once, for logs (`text`) and the job summary (`markdown`). */
  doneLines(): MarkdownLine[] {
    return this.lines.values();
  }
  errorMessages(): string[] {
    return this.errors.values();
  }
  writtenLines(): string[] {
    return this.writes.values();
  }
  /** Services with an attempt this run, and whether a platform refused the token for it. */
  attempted(): Array<{ service: string; authFailed: boolean }> {
    return [...this.attempts].map(([service, list]) => ({
      service,
      authFailed: list.some((a) => a.authFailed),
    }));
  }
}

/** Per service, from the last sweep's outcome and everything the run did for it. */
function serviceReport(
  tally: RunTally,
  outcome: ServiceOutcome,
  state: UptimeState,
  now: number,
): ServiceReport {
  const id = outcome.service;
  const record = Object.hasOwn(state.services, id) ? state.services[id] : undefined;
  const uptime = record ? uptimeFromTime(record, now) : undefined;
  const planned = tally.plannedOf(id);
  return {
    name: outcome.name,
    status: outcome.status,
    ...(isFailing(outcome) ? { failing: true } : {}),
    ...(outcome.unchecked ? { unchecked: true } : {}),
    ...(uptime !== undefined ? { uptimePercent: Math.round(uptime * 1000) / 1000 } : {}),
    responseMs: outcome.responseMs,
    error: outcome.error,
    incident: outcome.incident,
    recovered: tally.recoveredServices().includes(id),
    actions: tally.attemptsOf(id).map((a) => ({
      action: a.action,
      trigger: a.trigger,
      ok: a.providerOk,
      healthy: a.healthy,
      durationMs: a.durationMs,
      detail: a.detail,
    })),
    planned: planned.map((p) => `${p.action}: ${p.reason}`),
    plannedItems: planned.map((p) => ({ ...p })),
  };
}

/** The run's result: outputs, the `report` JSON and the job summary, all from the same facts. */
export function runResult(tally: RunTally, state: UptimeState, context: RunContext): RunResult {
  const { config } = context;
  const outcomes = tally.last?.services ?? {};
  const mode = tally.last?.mode ?? state.mode ?? config.mode;
  const status = overallStatus(Object.values(outcomes), context.uncheckedByDesign);
  const down = Object.values(outcomes).flatMap((o) => (o.status === 'down' ? [o.service] : []));
  const services = Object.fromEntries(
    Object.entries(outcomes).map(([id, o]) => [id, serviceReport(tally, o, state, context.now)]),
  );
  const warnings = warningsOf(tally, context);
  const writes = [...tally.writtenLines(), ...(context.storeWrites ?? [])];
  const done = tally.doneLines();
  const summary = renderRunSummary({
    config,
    state,
    now: context.now,
    mode,
    writes: context.dryRun || context.stateUnavailable ? undefined : writes,
    done: done.filter((l) => !l.text.startsWith('⚠️ ')),
    // The unreachable warning is the summary's callout; listed once, not twice.
    warnings: context.stateUnavailable ? warnings.slice(1) : warnings,
    tokenProblems: tokenProblems(context, tally),
    dryRun: context.dryRun,
    stateUnavailable: context.stateUnavailable,
    stateSavedLater: context.stateUnavailable !== undefined && context.wrote,
    lastActivityAt: context.lastActivityAt,
  });
  return {
    status,
    down,
    recovered: tally.recoveredServices(),
    incidents: incidentsOf(tally, outcomes),
    report: {
      mode,
      status,
      dryRun: context.dryRun === true,
      sweeps: tally.sweeps,
      services,
      ...(context.cronGap ? { cronGap: context.cronGap } : {}),
    },
    summary,
    done: [...writes, ...done.map((l) => l.text)],
    warnings,
    failure: failureOf(config, down, services),
    state,
    wrote: context.wrote,
    outcomes,
  };
}

/** The incident numbers the run touched, ascending. */
function incidentsOf(tally: RunTally, outcomes: Record<string, ServiceOutcome>): number[] {
  const incidents = new Set(tally.incidentNumbers());
  for (const o of Object.values(outcomes)) if (o.incident !== undefined) incidents.add(o.incident);
  return [...incidents].sort((a, b) => a - b);
}

/** Problems worth an annotation: the sweeps' errors, a cron gap, and first an unreadable state. */
function warningsOf(tally: RunTally, context: RunContext): string[] {
  const warnings = [...tally.errorMessages()];
  if (context.cronGap) warnings.push(context.cronGap);
  if (context.stateUnavailable)
    warnings.unshift(
      `GitHub could not be reached (${context.stateUnavailable}): checked and recovered with an in-memory state; no incident issue was written, and ${context.wrote ? 'the checks and repairs were saved once GitHub answered again' : 'nothing was saved'}.`,
    );
  return warnings;
}

/** Why the step or command fails: a service still down at the end. */
function failureOf(
  config: Config,
  down: string[],
  services: Record<string, ServiceReport>,
): string | undefined {
  if (!down.length) return undefined;
  const names = down.map((id) => config.services[id]?.name ?? id).join(', ');
  const after = Object.values(services).some((s) => s.actions.length) ? ' after recovery' : '';
  const issues = down.length === 1 ? 'issue' : 'issues';
  return `${names} ${down.length === 1 ? 'is' : 'are'} still down${after}. See the job summary and the incident ${issues}.`;
}

/**
 * Token problems of the services that needed recovery this run, for the summary: "missing" when none of the
 * provider's token variables is set (the platform was never asked), "refused" when it answered 401/403.
 */
function tokenProblems(context: RunContext, tally: RunTally): TokenProblem[] {
  const { config, env } = context;
  const problems: TokenProblem[] = [];
  for (const { service, authFailed } of tally.attempted()) {
    const provider = config.services[service]?.recovery?.provider;
    if (!provider) continue;
    const names = context.secretEnvOf(provider);
    const variable = names.join(' or ') || 'its token';
    if (names.length && !names.some((name) => env[name]))
      problems.push({ service, provider, kind: 'missing', variable });
    else if (authFailed) problems.push({ service, provider, kind: 'refused', variable });
  }
  return problems;
}

/**
 * A line whose quoted values (names, reasons, details: text that may come from a config or an endpoint) are
 * escaped for GitHub Markdown in `markdown`, and nothing else: the line's own words, such as `incident #3`,
 * stay as written so GitHub links the run's incidents. Numbers are the run's own and left as they are.
 */
function line(words: TemplateStringsArray, ...values: Array<string | number>): MarkdownLine {
  const join = (quote: (value: string | number) => string) =>
    words.reduce((out, word, i) => out + word + (i < values.length ? quote(values[i]) : ''), '');
  return {
    text: join(String),
    markdown: join((v) => (typeof v === 'number' ? String(v) : gitHubMarkdown(v))),
  };
}

/** One engine event in words for the summary's "What was done", or undefined when it is not news. */
function describeEvent(config: Config, e: EngineEvent): MarkdownLine | undefined {
  const name = (id?: string) => (id ? (config.services[id]?.name ?? id) : 'uptime-action');
  switch (e.type) {
    case 'status':
      if (e.from === 'unknown' && e.to === 'up') return undefined; // a first healthy check is not news
      return line`${name(e.service)}: ${e.from} → ${e.to} (${e.reason})`;
    case 'recovery-end': {
      const a = e.attempt;
      const result = a.healthy
        ? `healthy again after ${formatDuration(a.durationMs)}`
        : a.providerOk
          ? 'not healthy in time'
          : 'failed';
      return line`${name(e.service)}: ${a.action} (${a.trigger}) — ${result}. ${a.detail.split('\n')[0]}`;
    }
    case 'escalated':
      return line`${name(e.service)}: escalated to people — ${e.reason}`;
    case 'incident-opened':
      return line`${name(e.service)}: opened incident #${e.number}`;
    case 'incident-resolved':
      return line`${name(e.service)}: resolved incident #${e.number} after ${formatDuration(e.durationMs)}`;
    case 'skipped':
    case 'waiting':
      return line`${name(e.service)}: ${e.reason}`;
    case 'error':
      return line`⚠️ ${e.message}`;
    default:
      return undefined;
  }
}

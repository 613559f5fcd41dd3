import { resolveTuning, type Mode } from '../../src/config/presets.js';
import type { Config } from '../../src/config/schema.js';
import { probeOutcome } from '../../src/engine/probe-outcome.js';
import { needsPings, probeMonitor } from '../../src/monitors/registry.js';
import { probeAll } from '../../src/probe/sweep.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { isFailing, overallStatus, reportedLabel, type OverallStatus } from '../../src/report/status.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor } from '../io.js';
import { renderServiceLines, type ReportLine } from '../report-lines.js';
import type { ServiceOutcome } from '../../src/outcome/types.js';

/**
 * What `check` saw of one service, in the words and keys of `sweep --json` (src/report/status.ts): `status` is
 * `up`, `slow`, `degraded` (with `failing: true` when its check failed and the mode wants more failed checks in
 * a row before calling it down: `normal`), `down` (failed, and one failure is down: `extreme`), or `unknown`
 * with `unchecked: true` (not checked: the monitor itself could not make the probe, or a heartbeat, which
 * `check` cannot receive).
 */
export interface CheckedService {
  name: string;
  status: ServiceOutcome['status'];
  failing?: true;
  unchecked?: true;
  responseMs: number | null;
  httpStatus: number | null;
  error: string | null;
}

/** The `--json` report of `check`. `status` is the overall status of `sweep --json` and the Action. */
export interface CheckReport {
  status: OverallStatus;
  mode: string;
  checkedAt: string;
  /** Services down. */
  downServices: string[];
  /** Services whose check failed though the mode does not call them down yet; listed only when there are some. */
  failingServices?: string[];
  /** Services the monitor could not probe (its own EMFILE); listed only when there are some. */
  uncheckedServices?: string[];
  /** Heartbeat services: not checked by `check`, which cannot receive pings (docs/monitors.md). */
  heartbeatServices?: string[];
  services: Record<string, CheckedService>;
}

/** Probe results → the report (pure). */
export function checkReport(config: Config, results: ProbeResult[], mode: Mode, at: number): CheckReport {
  const tuning = resolveTuning(config, mode);
  const outcomes = results.map((r) =>
    probeOutcome({ id: r.service, name: config.services[r.service]?.name ?? r.service }, r, tuning),
  );
  const services: Record<string, CheckedService> = {};
  for (const [i, o] of outcomes.entries()) services[o.service] = checkedService(o, results[i]);
  // A heartbeat is checked only where pings arrive (src/monitors/registry.ts): here it is not checked by
  // design, which says nothing about the job and neither degrades nor fails the check.
  const byDesign = needsPings(config);
  const notCheckable = (o: ServiceOutcome) => o.unchecked === true && byDesign(o.service);
  const ids = (keep: (o: ServiceOutcome) => boolean) =>
    outcomes.filter((o) => keep(o) && !notCheckable(o)).map((o) => o.service);
  const failing = ids(isFailing);
  const unchecked = ids((o) => o.unchecked === true);
  const heartbeats = outcomes.filter(notCheckable).map((o) => o.service);
  return {
    status: overallStatus(outcomes, byDesign),
    mode,
    checkedAt: new Date(at).toISOString(),
    downServices: ids((o) => o.status === 'down'),
    ...(failing.length ? { failingServices: failing } : {}),
    ...(unchecked.length ? { uncheckedServices: unchecked } : {}),
    ...(heartbeats.length ? { heartbeatServices: heartbeats } : {}),
    services,
  };
}

function checkedService(outcome: ServiceOutcome, probe: ProbeResult): CheckedService {
  return {
    name: outcome.name,
    status: outcome.status,
    ...(isFailing(outcome) ? { failing: true as const } : {}),
    ...(outcome.unchecked ? { unchecked: true as const } : {}),
    responseMs: probe.responseMs,
    httpStatus: probe.status ?? null,
    error: outcome.error ?? null,
  };
}

/**
 * `uptime-action check`: one probe of every service, printed. No recovery, no confirm wait, no state written.
 * Exit 0 all up (slow counts as up), 1 something down, failing or not checked, 2 bad config.
 */
export async function checkCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  rejectPositionals(ctx);
  const config = await loadCliConfig(ctx);
  const mode = args.mode ?? config.mode;
  const fetchImpl: typeof fetch = (...a) => globalThis.fetch(...a);
  const results = await probeAll(
    Object.values(config.services),
    (service) => probeMonitor(service, { fetch: fetchImpl, now: ctx.now }),
    config.probeConcurrency,
  );
  const report = checkReport(config, results, mode, ctx.now());
  if (args.json) io.out(JSON.stringify(report, null, 2));
  else printReport(ctx, report);
  const failed = report.downServices.length + (report.failingServices?.length ?? 0);
  return failed || report.uncheckedServices ? 1 : 0;
}

/** One line per service in `sweep`'s words, then the overall line. */
function printReport(ctx: CommandContext, report: CheckReport): void {
  const { io } = ctx;
  const lines: ReportLine[] = Object.values(report.services).map((s) => ({
    name: s.name,
    status: reportedLabel(s),
    detail: s.error ? `— ${s.error}` : `${s.responseMs}ms`,
  }));
  io.out(renderServiceLines(lines, colorsFor(io)));
  const total = lines.length;
  const failed = report.downServices.length + (report.failingServices?.length ?? 0);
  const unchecked = report.uncheckedServices?.length ?? 0;
  const pushed = report.heartbeatServices?.length ?? 0;
  io.out(
    `${report.status.toUpperCase()}: ${total - failed - unchecked - pushed} of ${total - pushed} services healthy` +
      (unchecked
        ? `, ${unchecked} not checked (the monitor ran out of file descriptors: lower probeConcurrency or raise ulimit -n)`
        : '') +
      (pushed
        ? `; ${pushed} heartbeat(s) not checked here: \`check\` (and a scheduled Action run) cannot receive pings; the bot's server or \`uptime-action watch --listen\` checks them`
        : '') +
      ` (mode ${report.mode}; check only: nothing restarted or saved).`,
  );
}

import { resolveTuning, type Mode } from '../../src/config/presets.js';
import type { Config } from '../../src/config/schema.js';
import { probeMonitor } from '../../src/monitors/registry.js';
import { probeAll } from '../../src/probe/sweep.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor } from '../io.js';
import { renderServiceLines, type ReportLine } from '../report-lines.js';

/**
 * What `check` saw of one service, in the words `sweep` uses: `up`, `slow` (answered, above
 * slowResponseThreshold), `failing` (its check failed, and the mode wants more failed checks in a row before
 * calling it down: `normal`), `down` (failed, and one failure is down: `extreme`), or `unchecked` (the
 * monitor itself could not make the probe: out of file descriptors; says nothing of the service).
 */
export interface CheckedService {
  name: string;
  status: 'up' | 'slow' | 'failing' | 'down' | 'unchecked';
  responseMs: number | null;
  httpStatus: number | null;
  error: string | null;
}

/** The `--json` report of `check`. `status` is `down` when any service failed its probe (`downServices` lists them, failing or down). */
export interface CheckReport {
  status: 'up' | 'degraded' | 'down';
  mode: string;
  checkedAt: string;
  downServices: string[];
  /** Services the monitor could not probe (its own EMFILE); listed only when there are some. */
  uncheckedServices?: string[];
  /** Heartbeat services: not checked by `check`, which cannot receive pings (docs/monitors.md). */
  heartbeatServices?: string[];
  services: Record<string, CheckedService>;
}

/** Probe results → the report (pure). */
export function checkReport(config: Config, results: ProbeResult[], mode: Mode, at: number): CheckReport {
  const tuning = resolveTuning(config, mode);
  const slowAbove = tuning.slowResponseThreshold;
  // One failed check is `down` only where the mode calls one failure down (sweep's words, src/monitor).
  const failed = tuning.maxConsecutiveFailures <= 1 ? 'down' : 'failing';
  const services: Record<string, CheckedService> = {};
  for (const r of results) {
    services[r.service] = {
      name: config.services[r.service]?.name ?? r.service,
      status: r.local ? 'unchecked' : !r.ok ? failed : r.responseMs > slowAbove ? 'slow' : 'up',
      responseMs: r.responseMs,
      httpStatus: r.status ?? null,
      error: r.ok ? null : (r.error ?? r.kind),
    };
  }
  const all = Object.entries(services);
  const downServices = all.filter(([, s]) => s.status === 'down' || s.status === 'failing').map(([id]) => id);
  // A heartbeat is checked only where pings arrive (the bot's server, `watch --listen`): here it is not checked
  // by design, which says nothing about the job and does not fail the check.
  const pushed = (id: string) => config.services[id]?.type === 'heartbeat';
  const unchecked = all.filter(([id, s]) => s.status === 'unchecked' && !pushed(id)).map(([id]) => id);
  const heartbeats = all.filter(([id]) => pushed(id)).map(([id]) => id);
  const status = downServices.length
    ? 'down'
    : all.some(([id, s]) => s.status === 'slow' || (s.status === 'unchecked' && !pushed(id)))
      ? 'degraded'
      : 'up';
  return {
    status,
    mode,
    checkedAt: new Date(at).toISOString(),
    downServices,
    ...(unchecked.length ? { uncheckedServices: unchecked } : {}),
    ...(heartbeats.length ? { heartbeatServices: heartbeats } : {}),
    services,
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
  if (args.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    const lines: ReportLine[] = Object.values(report.services).map((s) => ({
      name: s.name,
      status: s.status,
      detail: s.error ? `— ${s.error}` : `${s.responseMs}ms`,
    }));
    io.out(renderServiceLines(lines, colorsFor(io)));
    const total = lines.length;
    const unchecked = report.uncheckedServices?.length ?? 0;
    const pushed = report.heartbeatServices?.length ?? 0;
    io.out(
      `${report.status.toUpperCase()}: ${total - report.downServices.length - unchecked - pushed} of ${total - pushed} services healthy` +
        (unchecked
          ? `, ${unchecked} not checked (the monitor ran out of file descriptors: lower probeConcurrency or raise ulimit -n)`
          : '') +
        (pushed
          ? `; ${pushed} heartbeat(s) not checked here: \`check\` (and a scheduled Action run) cannot receive pings; the bot's server or \`uptime-action watch --listen\` checks them`
          : '') +
        ` (mode ${mode}; check only: nothing restarted or saved).`,
    );
  }
  return report.downServices.length || report.uncheckedServices ? 1 : 0;
}

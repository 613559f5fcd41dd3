import type { RunResult } from '../../src/report/run-report.js';
import { isFailing, statusLabel } from '../../src/report/status.js';
import { runSweep } from '../../src/run/sweep.js';
import { needsPings } from '../../src/monitors/registry.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor } from '../io.js';
import { formatEvent } from '../print.js';
import { renderServiceLines } from '../report-lines.js';

/**
 * The `--json` report of a sweep: the run's result (src/report/run-report.ts) as the CLI has always printed
 * it; statuses are the Action's (src/report/status.ts).
 */
export function sweepJson(result: RunResult, at: number) {
  return {
    status: result.status,
    mode: result.report.mode,
    checkedAt: new Date(at).toISOString(),
    downServices: result.down,
    recoveredServices: result.recovered,
    services: Object.fromEntries(
      Object.entries(result.report.services).map(([id, s]) => [
        id,
        {
          name: s.name,
          status: s.status,
          ...(s.failing ? { failing: true } : {}),
          ...(s.unchecked ? { unchecked: true } : {}),
          responseMs: s.responseMs ?? null,
          error: s.error ?? null,
          recovered: s.recovered,
          planned: s.plannedItems.map((p) => ({ action: p.action, trigger: p.trigger, reason: p.reason })),
          actions: s.actions.map(({ ok, ...a }) => ({ ...a, providerOk: ok })),
          incident: s.incident ?? null,
        },
      ]),
    ),
  };
}

/**
 * `uptime-action sweep`: what one scheduled run of the Action does (src/run/sweep.ts), on the local state
 * file with incidents beside it: probe, confirm, recover, book the history, notify the `notify:` targets, save
 * (`--dry-run` only plans). Exit 0 nothing down at the end, 1 something still down, 2 bad config.
 */
export async function sweepCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  rejectPositionals(ctx);
  const config = await loadCliConfig(ctx);
  const { deps, store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: args.dryRun ? 'none' : 'file',
    dryRun: args.dryRun,
    onEvent: args.json
      ? undefined
      : (event) => {
          const line = formatEvent(event, config, { now: ctx.now, verbose: args.verbose });
          if (line) io.out(line);
        },
  });
  const result = await runSweep({ deps, store, mode: args.mode, watchMs: 0, persist: 'always' });
  if (args.json) {
    io.out(JSON.stringify(sweepJson(result, ctx.now()), null, 2));
    return result.failure ? 1 : 0;
  }
  const outcomes = Object.values(result.outcomes);
  const lines = outcomes.map((o) => ({
    name: o.name,
    status: statusLabel(o),
    detail: o.error ? `— ${o.error}` : o.responseMs !== undefined ? `${o.responseMs}ms` : '',
  }));
  io.out(renderServiceLines(lines, colorsFor(io)));
  // As `check` counts: a service not checked is not healthy; a heartbeat (no pings reach a sweep) is left out.
  const byDesign = needsPings(config);
  const pushed = outcomes.filter((o) => o.unchecked && byDesign(o.service)).length;
  const unchecked = outcomes.filter((o) => o.unchecked).length - pushed;
  const healthy = outcomes.filter((o) => o.status !== 'down' && !isFailing(o) && !o.unchecked).length;
  io.out(
    `${result.status.toUpperCase()}: ${healthy} of ${outcomes.length - pushed} services healthy` +
      (unchecked ? `, ${unchecked} not checked` : '') +
      (pushed ? `; ${pushed} heartbeat(s) not checked here (a sweep cannot receive pings)` : '') +
      ` (mode ${result.report.mode}).`,
  );
  io.out(args.dryRun ? 'Dry run: nothing restarted, nothing saved.' : `State saved to ${args.state}.`);
  return result.failure ? 1 : 0;
}

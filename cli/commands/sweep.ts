import { mergeSweep, sweep } from '../../src/engine/sweep.js';
import type { SweepResult } from '../../src/engine/types.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor } from '../io.js';
import { formatEvent } from '../print.js';
import { renderServiceLines } from '../report-lines.js';

/** Overall status of a sweep, as the Action's `status` output: `up`, `degraded` or `down`. */
export type OverallStatus = 'up' | 'degraded' | 'down';

/** A service failing at the end of the sweep: down, or its last check failed (not yet confirmed down). */
export function isFailing(outcome: SweepResult['services'][string]): boolean {
  if (outcome.status === 'paused' || outcome.unchecked) return false;
  if (outcome.recovered && outcome.error === undefined) return false;
  return outcome.status === 'down' || outcome.error !== undefined;
}

/**
 * The status a person should see for one outcome: `failing` for a failed check that the mode's rules do not
 * call down yet (never `up` with an error), otherwise the health status.
 */
export function displayStatus(outcome: SweepResult['services'][string]): string {
  if (outcome.unchecked) return 'not checked';
  return isFailing(outcome) && outcome.status !== 'down' ? 'failing' : outcome.status;
}

/** The `--json` report of a sweep (no state internals); the same statuses as the human report. */
export function summarizeSweep(result: SweepResult, at: number) {
  const outcomes = Object.values(result.services);
  const down = outcomes.filter(isFailing).map((o) => o.service);
  const degraded = outcomes
    .filter((o) => !isFailing(o) && (o.status === 'degraded' || o.status === 'slow' || o.unchecked))
    .map((o) => o.service);
  const status: OverallStatus = down.length ? 'down' : degraded.length ? 'degraded' : 'up';
  return {
    status,
    mode: result.mode,
    checkedAt: new Date(at).toISOString(),
    downServices: down,
    recoveredServices: outcomes.filter((o) => o.recovered).map((o) => o.service),
    services: Object.fromEntries(
      outcomes.map((o) => [
        o.service,
        {
          name: o.name,
          status: displayStatus(o),
          responseMs: o.responseMs ?? null,
          error: o.error ?? null,
          recovered: o.recovered,
          planned: o.planned.map((p) => ({ action: p.action, trigger: p.trigger, reason: p.reason })),
          actions: o.attempts.map((a) => ({
            action: a.action,
            trigger: a.trigger,
            providerOk: a.providerOk,
            healthy: a.healthy,
            durationMs: a.durationMs,
            detail: a.detail,
          })),
          incident: o.incident ?? null,
        },
      ]),
    ),
  };
}

/**
 * `uptime-action sweep`: one sweep as a scheduled run does it (probe, confirm, recover; `--dry-run` only
 * plans), saved to the local state file, incidents beside it. Exit 0 all up at the end, 1 something still
 * down, 2 bad config.
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
  const result = await sweep(deps, await store.read(), { mode: args.mode });
  if (!args.dryRun) await store.update((fresh) => mergeSweep(fresh, result));
  const summary = summarizeSweep(result, ctx.now());
  if (args.json) {
    io.out(JSON.stringify(summary, null, 2));
  } else {
    const lines = Object.entries(summary.services).map(([, s]) => ({
      name: s.name,
      status: s.status,
      detail: s.error ? `— ${s.error}` : s.responseMs !== null ? `${s.responseMs}ms` : '',
    }));
    io.out(renderServiceLines(lines, colorsFor(io)));
    const total = lines.length;
    io.out(
      `${summary.status.toUpperCase()}: ${total - summary.downServices.length} of ${total} services healthy (mode ${result.mode}).`,
    );
    io.out(args.dryRun ? 'Dry run: nothing restarted, nothing saved.' : `State saved to ${args.state}.`);
  }
  return summary.downServices.length ? 1 : 0;
}

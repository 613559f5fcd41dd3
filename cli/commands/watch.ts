import { resolveTuning } from '../../src/config/presets.js';
import { effectiveMode } from '../../src/engine/sweep.js';
import { watch } from '../../src/engine/watch.js';
import type { SweepResult } from '../../src/engine/types.js';
import { formatDuration } from '../../src/util/duration.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import { interruptSignal } from '../io.js';
import { formatEvent, renderBanner } from '../print.js';
import { renderStatus } from '../status-block.js';
import { isFailing } from './check.js';

/** How often `watch` prints the status block (the seed printed it every minute). */
export const STATUS_EVERY_MS = 60_000;

/**
 * `uptime-action watch [--duration 2m]`: the seed's startup banner, then a sweep every `healthCheckInterval`
 * with recovery, a log line per event and the status block every minute. Ctrl-C stops cleanly and saves the
 * state. Exit 0, or 1 when a service is down at the end.
 */
export async function watchCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const config = await loadCliConfig(ctx);
  const { deps, store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'file',
    dryRun: args.dryRun,
    onEvent: (event) => {
      const line = formatEvent(event, config, { now: ctx.now, verbose: args.verbose });
      if (line) io.out(line);
    },
  });
  const initial = await store.read();
  const mode = effectiveMode(config, initial, args.mode);
  io.out(
    renderBanner(
      config,
      mode,
      resolveTuning(config, mode),
      args.durationMs
        ? `⏳ Stops after ${formatDuration(args.durationMs)} (Ctrl-C stops earlier)`
        : '⏹️  Ctrl-C stops and saves the state',
    ),
  );
  io.out('');
  const { signal, dispose } = interruptSignal(io);
  signal.addEventListener(
    'abort',
    () => io.out('⏹️  Stopping after the current sweep (Ctrl-C again quits at once)...'),
    { once: true },
  );
  let lastBlock = ctx.now();
  let last: SweepResult | undefined;
  let printed: SweepResult | undefined;
  try {
    last = await watch(deps, store, {
      durationMs: args.durationMs,
      signal,
      mode: args.mode,
      persist: 'always',
      onSweep: (result) => {
        if (ctx.now() - lastBlock >= STATUS_EVERY_MS) {
          lastBlock = ctx.now();
          printed = result;
          io.out(renderStatus(config, result.state, { mode: result.mode, now: ctx.now() }));
        }
      },
    });
  } finally {
    dispose();
  }
  if (signal.aborted) io.out(`⏹️  Stopped; state saved to ${args.state}`);
  // The closing status block, unless the minute's block just showed this very sweep.
  if (last && last !== printed) io.out(renderStatus(config, last.state, { mode: last.mode, now: ctx.now() }));
  return last && Object.values(last.services).some(isFailing) ? 1 : 0;
}

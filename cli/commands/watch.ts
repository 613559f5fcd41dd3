import { resolve } from 'node:path';
import { resolveTuning } from '../../src/config/presets.js';
import { Publisher } from '../../src/engine/publish.js';
import { SiteKeeper } from '../../src/engine/site.js';
import { FileSiteSink } from '../../src/engine/site-file.js';
import { effectiveMode } from '../../src/engine/sweep.js';
import { watch } from '../../src/engine/watch.js';
import type { SweepResult } from '../../src/engine/types.js';
import { formatDuration } from '../../src/util/duration.js';
import { UsageError } from '../args.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor, interruptSignal } from '../io.js';
import { ResponseHistory, renderLiveTable } from '../live-table.js';
import { formatEvent, renderBanner } from '../print.js';
import { renderStatus } from '../status-block.js';
import { startListening } from '../listen.js';

/** How often `watch` prints the status block when piped (the seed printed it every minute). */
export const STATUS_EVERY_MS = 60_000;

/** Log lines kept under the live table. */
const RECENT_LINES = 6;

/**
 * `uptime-action watch [--duration 2m] [--site DIR]`: the seed's startup banner, then a sweep every
 * `healthCheckInterval` with recovery. In a terminal a live table is redrawn in place after every sweep; piped,
 * one log line per event and the status block every minute. Ctrl-C stops cleanly and saves the state.
 * Like the Action's scheduled run it books the hourly response-time history in the state and sends each
 * transition to the `notify:` targets (after the write, never delaying a sweep); `--site DIR` keeps the
 * status site in DIR, re-rendered at most hourly and written only when it changed.
 * Exit 0 when it ran its duration or was stopped, whatever the services' health (the health is the output,
 * not the exit code); 2 bad config or a `--site` folder that can't be written.
 */
export async function watchCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  rejectPositionals(ctx);
  const config = await loadCliConfig(ctx);
  const live = io.isTTY === true && io.redraw !== undefined;
  const colors = colorsFor(io);
  const history = new ResponseHistory();
  const recent: string[] = [];
  const site = args.site && !args.dryRun ? await siteKeeper(ctx, args.site) : undefined;
  const listening = args.listen ? await startListening(args.listen, config, io.env, ctx.logger) : undefined;
  const { deps, store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'file',
    dryRun: args.dryRun,
    heartbeats: listening?.attachment.heartbeats,
    recentEvents: listening?.attachment.recentEvents,
    onEvent: (event) => {
      if (event.type === 'check' && !event.result.confirm)
        history.push(event.service, event.result.ok ? event.result.responseMs : undefined);
      const line = formatEvent(event, config, { now: ctx.now, verbose: args.verbose });
      if (!line) return;
      if (!live) return io.out(line);
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
    },
  });
  const publisher = new Publisher(deps);
  const initial = await store.read();
  const mode = effectiveMode(config, initial, args.mode);
  const started = ctx.now();
  const stopNote = args.durationMs
    ? `⏳ Stops after ${formatDuration(args.durationMs)} (Ctrl-C stops earlier)`
    : '⏹️  Ctrl-C stops and saves the state';
  io.out(renderBanner(config, mode, resolveTuning(config, mode), stopNote));
  const heartbeats = Object.values(config.services).filter((s) => s.type === 'heartbeat');
  if (heartbeats.length && !listening)
    io.out(
      `⚠️  ${heartbeats.map((s) => s.name).join(', ')}: heartbeat(s) not checked without --listen (nothing receives their pings); see docs/monitors.md`,
    );
  if (listening)
    io.out(
      `📡 Listening on ${listening.url}: heartbeats at /ping/<token>${listening.events ? ', platform events at /events/<UPTIME_EVENTS_KEY>' : ' (set UPTIME_EVENTS_KEY to receive platform events)'}`,
    );
  io.out('');
  const { signal, dispose } = interruptSignal(io);
  signal.addEventListener(
    'abort',
    () => {
      if (!live) io.out('⏹️  Stopping after the current sweep (Ctrl-C again quits at once)...');
    },
    { once: true },
  );
  const footer = () =>
    args.durationMs
      ? `⏳ ${formatDuration(Math.max(0, started + args.durationMs - ctx.now()))} left · Ctrl-C stops`
      : '⏹️  Ctrl-C stops and saves the state';
  let lastBlock = ctx.now();
  let last: SweepResult | undefined;
  let printed: SweepResult | undefined;
  try {
    last = await watch(deps, store, {
      durationMs: args.durationMs,
      signal,
      mode: args.mode,
      persist: 'always',
      publisher,
      site,
      checkNow: listening?.attachment.checkNow,
      onSweep: (result) => {
        if (live) {
          io.redraw?.update(
            renderLiveTable({
              config,
              state: result.state,
              mode: result.mode,
              now: ctx.now(),
              history,
              recent,
              colors,
              footer: footer(),
            }),
          );
        } else if (ctx.now() - lastBlock >= STATUS_EVERY_MS) {
          lastBlock = ctx.now();
          printed = result;
          io.out(renderStatus(config, result.state, { mode: result.mode, now: ctx.now() }));
        }
      },
    });
  } finally {
    await listening?.close();
    dispose();
    if (live) io.redraw?.done();
    // Messages still in flight get a bounded time (15 s) to arrive; their failures are in the incident log.
    if (publisher.inFlight > 0) io.out('📣 Waiting for notifications still being sent (at most 15 s)...');
    await publisher.finish();
  }
  if (signal.aborted) io.out(`⏹️  Stopped; state saved to ${args.state}`);
  if (site && args.site)
    io.out(
      `🌐 Status site in ${args.site}: ${site.writes} update(s)${site.failures ? `, ${site.failures} failed (see the warnings)` : ''}.`,
    );
  // The closing status block when piped, unless the minute's block just showed this very sweep.
  if (!live && last && last !== printed)
    io.out(renderStatus(config, last.state, { mode: last.mode, now: ctx.now() }));
  return 0;
}

/** The `--site` folder, checked before the first sweep: a file or a folder that can't be written exits 2. */
async function siteKeeper(ctx: CommandContext, dir: string): Promise<SiteKeeper> {
  const sink = new FileSiteSink(resolve(ctx.io.cwd ?? '.', dir));
  try {
    await sink.prepare();
  } catch (error) {
    throw new UsageError(
      `watch: --site ${dir}: ${error instanceof Error ? error.message : String(error)}`,
      'watch',
    );
  }
  return new SiteKeeper(sink, ctx.logger);
}

import { resolve } from 'node:path';
import { resolveTuning } from '../../src/config/presets.js';
import { SiteKeeper } from '../../src/site/sink.js';
import { FileSiteSink } from '../../src/site/file-sink.js';
import { effectiveMode } from '../../src/engine/sweep.js';
import type { Config } from '../../src/config/schema.js';
import { checkableBy } from '../../src/monitors/registry.js';
import { runSweep, type RunSweepResult } from '../../src/run/sweep.js';
import { formatDuration } from '../../src/util/duration.js';
import { UsageError } from '../args.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { colorsFor, interruptSignal, type Colors } from '../io.js';
import { ResponseHistory, renderLiveTable } from '../live-table.js';
import { formatEvent, renderBanner } from '../print.js';
import { renderStatus } from '../status-block.js';
import { startListening } from '../listen.js';
import type { EngineEvent, SweepResult } from '../../src/outcome/types.js';

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
  const screen = new WatchScreen(ctx, config);
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
    onEvent: (event) => screen.event(event),
  });
  const mode = effectiveMode(config, await store.read(), args.mode);
  io.out(renderBanner(config, mode, resolveTuning(config, mode), screen.stopNote()));
  screen.listening(listening);
  io.out('');
  const { signal, dispose } = interruptSignal(io);
  signal.addEventListener('abort', () => screen.stopping(), { once: true });
  let result: RunSweepResult;
  try {
    // The core's run (src/run/sweep.ts): the same sweeps, save path, history and notifications as the Action.
    result = await runSweep({
      deps,
      store,
      signal,
      site,
      mode: args.mode,
      watchMs: args.durationMs ?? Infinity,
      persist: 'always',
      settle: 'background',
      onSweep: (sweep) => screen.sweep(sweep),
      checkNow: listening?.attachment.checkNow,
    });
  } finally {
    await listening?.close();
    dispose();
    screen.done();
  }
  await finish(ctx, result, signal.aborted, site);
  screen.closing();
  return 0;
}

/** Waits for the notifications still in flight, then says how the watch ended and what the site got. */
async function finish(
  ctx: CommandContext,
  result: RunSweepResult,
  stopped: boolean,
  site: SiteKeeper | undefined,
): Promise<void> {
  const { args, io } = ctx;
  // Messages still in flight get a bounded time (15 s) to arrive; their failures are in the incident log.
  if (result.inFlight > 0) io.out('📣 Waiting for notifications still being sent (at most 15 s)...');
  await result.notifications;
  if (stopped) io.out(`⏹️  Stopped; state saved to ${args.state}`);
  if (site && args.site)
    io.out(
      `🌐 Status site in ${args.site}: ${site.writes} update(s)${site.failures ? `, ${site.failures} failed (see the warnings)` : ''}.`,
    );
}

/** What `watch` shows: the live table in a terminal; piped, a line per event and the status block every minute. */
class WatchScreen {
  private readonly live: boolean;
  private readonly colors: Colors;
  private readonly history = new ResponseHistory();
  private readonly recent: string[] = [];
  private readonly started: number;
  private lastBlock: number;
  private last?: SweepResult;
  private printed?: SweepResult;

  constructor(
    private readonly ctx: CommandContext,
    private readonly config: Config,
  ) {
    this.live = ctx.io.isTTY === true && ctx.io.redraw !== undefined;
    this.colors = colorsFor(ctx.io);
    this.started = ctx.now();
    this.lastBlock = ctx.now();
  }

  stopNote(): string {
    const { durationMs } = this.ctx.args;
    return durationMs
      ? `⏳ Stops after ${formatDuration(durationMs)} (Ctrl-C stops earlier)`
      : '⏹️  Ctrl-C stops and saves the state';
  }

  event(event: EngineEvent): void {
    if (event.type === 'check' && !event.result.confirm)
      this.history.push(event.service, event.result.ok ? event.result.responseMs : undefined);
    const line = formatEvent(event, this.config, { now: this.ctx.now, verbose: this.ctx.args.verbose });
    if (!line) return;
    if (!this.live) return this.ctx.io.out(line);
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }

  /** Says what `--listen` serves, or that heartbeats go unchecked without it. */
  listening(listening: { url: string; events: unknown } | undefined): void {
    const heartbeats = Object.values(this.config.services).filter(
      (s) => !checkableBy(s, { receivesPings: false }),
    );
    if (heartbeats.length && !listening)
      this.ctx.io.out(
        `⚠️  ${heartbeats.map((s) => s.name).join(', ')}: heartbeat(s) not checked without --listen (nothing receives their pings); see docs/monitors.md`,
      );
    if (listening)
      this.ctx.io.out(
        `📡 Listening on ${listening.url}: heartbeats at /ping/<token>${listening.events ? ', platform events at /events/<UPTIME_EVENTS_KEY>' : ' (set UPTIME_EVENTS_KEY to receive platform events)'}`,
      );
  }

  stopping(): void {
    if (!this.live) this.ctx.io.out('⏹️  Stopping after the current sweep (Ctrl-C again quits at once)...');
  }

  sweep(result: SweepResult): void {
    const { io, now } = this.ctx;
    this.last = result;
    if (this.live) {
      io.redraw?.update(
        renderLiveTable({
          config: this.config,
          state: result.state,
          mode: result.mode,
          now: now(),
          history: this.history,
          recent: this.recent,
          colors: this.colors,
          footer: this.footer(),
        }),
      );
    } else if (now() - this.lastBlock >= STATUS_EVERY_MS) {
      this.lastBlock = now();
      this.printed = result;
      io.out(renderStatus(this.config, result.state, { mode: result.mode, now: now() }));
    }
  }

  done(): void {
    if (this.live) this.ctx.io.redraw?.done();
  }

  /** The closing status block when piped, unless the minute's block just showed this very sweep. */
  closing(): void {
    const last = this.last;
    if (!this.live && last && last !== this.printed)
      this.ctx.io.out(renderStatus(this.config, last.state, { mode: last.mode, now: this.ctx.now() }));
  }

  private footer(): string {
    const { durationMs } = this.ctx.args;
    return durationMs
      ? `⏳ ${formatDuration(Math.max(0, this.started + durationMs - this.ctx.now()))} left · Ctrl-C stops`
      : '⏹️  Ctrl-C stops and saves the state';
  }
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

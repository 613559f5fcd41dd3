/**
 * The endurance run with the features on (issue 14): the real `watch` with the publisher (hourly response-time
 * history booked in the state, notifications claimed in the state write and sent after it), a `webhook`
 * notify target answered in-process (200, counted), and the status site kept hourly in a temporary folder
 * through the file sink — on the file store, so the state file's size over 90+ simulated days is measured.
 * Only the service, its platform, the receiver and GitHub's incident issues are simulated.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import type { ServiceConfig } from '../src/config/schema.js';
import { Publisher, type PublishReport } from '../src/engine/publish.js';
import { SiteKeeper } from '../src/site/sink.js';
import { FileSiteSink } from '../src/site/file-sink.js';
import type { EngineDeps } from '../src/engine/types.js';
import { watch } from '../src/engine/watch.js';
import type { IncidentLog } from '../src/incidents/types.js';
import type { Provider } from '../src/providers/types.js';
import { FileStateStore } from '../src/state/file.js';
import type { IncidentRef } from '../src/state/types.js';
import { silentLogger } from '../src/util/logger.js';
import { virtualClock } from '../test/helpers/clock.js';
import { makeScenario, SimulatedService } from './replay/world.js';
import { simulatedProbe } from './replay/ours.js';
import type { EngineEvent } from '../src/outcome/types.js';

const DAY = 86_400_000;

/** What the run measured. */
export interface FeaturesRun {
  intervalMs: number;
  virtualDays: number;
  wallMs: number;
  heapStart: number;
  heapEnd: number;
  /** [checks so far, virtual days, state file bytes]. */
  sizes: Array<[number, number, number]>;
  /** State file bytes at the first sweep on or after 90 simulated days (undefined for a shorter run). */
  sizeAt90Days?: number;
  /** Messages the receiver answered, by transition. */
  messages: Record<string, number>;
  publish: PublishReport;
  siteWrites: number;
  siteFailures: number;
  /** Bytes of the site folder at the end. */
  siteBytes: number;
}

/** Incident issues as GitHub keeps them: only the open ones are held here (the rest lives on "GitHub"). */
class CountingIncidentLog implements IncidentLog {
  opened = 0;
  comments = 0;
  private next = 1;
  private readonly openRefs = new Map<string, IncidentRef>();
  async findOpen(service: ServiceConfig) {
    return this.openRefs.get(service.id);
  }
  async openIncidents(services: readonly ServiceConfig[]) {
    return Object.fromEntries(
      services.flatMap((s) => (this.openRefs.has(s.id) ? [[s.id, this.openRefs.get(s.id)!]] : [])),
    );
  }
  async open(service: ServiceConfig, kind: 'down' | 'degraded', _body: string, at: number) {
    let ref = this.openRefs.get(service.id);
    if (!ref) {
      ref = { number: this.next++, openedAt: at, kind };
      this.openRefs.set(service.id, ref);
      this.opened++;
    }
    return ref;
  }
  async comment() {
    this.comments++;
  }
  async resolve(service: ServiceConfig) {
    this.comments++;
    this.openRefs.delete(service.id);
  }
}

/** Runs `checks` sweeps at a 2-minute interval (100,000 ≈ 139 simulated days); heap after warm-up and at the end. */
export async function featuresRun(options: {
  checks: number;
  checkpoints?: number;
  /** Full GC before reading the heap. */
  gc: () => void;
}): Promise<FeaturesRun> {
  const intervalMs = 120_000;
  const days = Math.ceil((options.checks * intervalMs * 1.02) / DAY) + 1;
  const world = new SimulatedService(makeScenario({ seed: 11, days }), { seed: 12 });
  const clock = virtualClock(world.scenario.start);
  const dir = await mkdtemp(join(tmpdir(), 'uptime-bench-features-'));
  const config = parseConfig(
    {
      mode: 'extreme',
      healthCheckInterval: '2m',
      statusPage: { title: 'Bench status' },
      notify: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
      services: {
        api: {
          name: 'API',
          url: 'http://127.0.0.1:9/health',
          timeout: '10s',
          recovery: { provider: 'railway', serviceId: 'svc-bench' },
        },
      },
    },
    'bench (endurance with features)',
  );
  const messages: Record<string, number> = {};
  const receiver = (async (_url: string | URL | Request, init?: RequestInit) => {
    const { transition } = JSON.parse(String(init?.body)) as { transition: string };
    messages[transition] = (messages[transition] ?? 0) + 1;
    return new Response('ok');
  }) as typeof fetch;
  const probe = simulatedProbe(world, clock);
  const act = async () => {
    await clock.sleep(1_000);
    world.restart(clock.now());
    return { ok: true, detail: 'deployment restarted' };
  };
  const provider: Provider = { type: 'railway', restart: act, redeploy: act };
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: receiver, clock, logger: silentLogger },
    probe,
    incidents: new CountingIncidentLog(),
    clock,
    logger: silentLogger,
    onEvent: (event: EngineEvent) => {
      if (event.type === 'status' && event.to === 'down') world.declareDown(event.at);
    },
  };
  const path = join(dir, 'state.json');
  const store = new FileStateStore(path, { now: clock.now });
  const publisher = new Publisher(deps);
  const site = new SiteKeeper(new FileSiteSink(join(dir, 'site')), silentLogger);
  const every = Math.max(1, Math.floor(options.checks / (options.checkpoints ?? 4)));
  const warm = Math.min(1000, every);
  const run: FeaturesRun = {
    intervalMs,
    virtualDays: 0,
    wallMs: 0,
    heapStart: 0,
    heapEnd: 0,
    sizes: [],
    messages,
    publish: publisher.snapshot(),
    siteWrites: 0,
    siteFailures: 0,
    siteBytes: 0,
  };
  const started = performance.now();
  const stop = new AbortController();
  let sweeps = 0;
  try {
    await watch(deps, store, {
      durationMs: world.scenario.end - world.scenario.start,
      signal: stop.signal,
      persist: 'changes',
      publisher,
      site,
      onSweep: async () => {
        sweeps++;
        const day = (clock.now() - world.scenario.start) / DAY;
        if (sweeps === warm) {
          options.gc();
          run.heapStart = process.memoryUsage().heapUsed;
        }
        if (run.sizeAt90Days === undefined && day >= 90) run.sizeAt90Days = (await stat(path)).size;
        if (sweeps % every === 0) run.sizes.push([sweeps, day, (await stat(path)).size]);
        if (sweeps >= options.checks) stop.abort();
      },
    });
    run.publish = await publisher.finish();
    options.gc();
    run.heapEnd = process.memoryUsage().heapUsed;
    run.wallMs = performance.now() - started;
    run.virtualDays = (clock.now() - world.scenario.start) / DAY;
    run.siteWrites = site.writes;
    run.siteFailures = site.failures;
    run.siteBytes = await folderBytes(join(dir, 'site'));
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The location on every metric, and Node's own (memory, event loop) under the worker's prefix. */
function withNodeDefaults(registry: Registry, location: string): void {
  registry.setDefaultLabels({ location });
  collectDefaultMetrics({ register: registry, prefix: 'uptime_worker_' });
}

/** Checks per second over the last minute, from the check times kept (oldest dropped as it is read). */
function checksPerSecond(registry: Registry, recent: number[], clock: () => number): Gauge {
  return new Gauge({
    name: 'uptime_checks_per_second',
    help: 'Checks per second over the last minute (rate(uptime_checks_total[1m]) without Prometheus)',
    registers: [registry],
    collect() {
      const since = clock() - 60_000;
      while (recent.length && recent[0] < since) recent.shift();
      this.set(recent.length / 60);
    },
  });
}

/**
 * A worker's Prometheus metrics (prom-client, its own registry): checks, sweeps, queue lag, stalled jobs, the
 * last sweep per repository, location problems, and Node's defaults (memory, event loop).
 */
export class ScaleMetrics {
  readonly registry = new Registry();
  private readonly recentChecks: number[] = [];
  readonly checks: Counter<'location'>;
  readonly sweeps: Counter<'location' | 'outcome'>;
  readonly sweepSeconds: Histogram<'location'>;
  readonly queueLagSeconds: Histogram<'queue'>;
  readonly stalledJobs: Counter<'queue'>;
  readonly lastSweep: Gauge<'repo'>;
  readonly locationProblems: Counter<'location' | 'failing_from'>;

  constructor(
    readonly location: string,
    private readonly now: () => number = Date.now,
  ) {
    const registers = [this.registry];
    withNodeDefaults(this.registry, location);
    this.checks = new Counter({
      name: 'uptime_checks_total',
      help: 'HTTP checks made by this worker',
      labelNames: ['location'],
      registers,
    });
    checksPerSecond(this.registry, this.recentChecks, this.now);
    this.sweeps = new Counter({
      name: 'uptime_sweeps_total',
      help: 'Sweep jobs, by outcome (swept, skipped, failed)',
      labelNames: ['location', 'outcome'],
      registers,
    });
    this.sweepSeconds = new Histogram({
      name: 'uptime_sweep_duration_seconds',
      help: 'Duration of one sweep',
      labelNames: ['location'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.queueLagSeconds = new Histogram({
      name: 'uptime_queue_lag_seconds',
      help: 'From the time a job was due to the time a worker started it',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.stalledJobs = new Counter({
      name: 'uptime_stalled_jobs_total',
      help: 'Jobs found stalled (their worker died or hung) and handed to another worker',
      labelNames: ['queue'],
      registers,
    });
    for (const queue of ['sweeps', 'probes']) this.stalledJobs.inc({ queue }, 0); // shown as 0, not absent
    this.lastSweep = new Gauge({
      name: 'uptime_last_sweep_timestamp_seconds',
      help: 'When this worker last finished a sweep of the repository',
      labelNames: ['repo'],
      registers,
    });
    this.locationProblems = new Counter({
      name: 'uptime_location_problems_total',
      help: 'Checks failing from fewer locations than the quorum (not counted as down)',
      labelNames: ['location', 'failing_from'],
      registers,
    });
  }

  /** One check made here. */
  checked(): void {
    this.checks.inc({ location: this.location });
    this.recentChecks.push(this.now());
    if (this.recentChecks.length > 1_000_000)
      this.recentChecks.splice(0, this.recentChecks.length - 1_000_000);
  }
}

/** What `/health` answers: 200 with the body when `ok`, else 503. */
export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

/**
 * The worker's HTTP face: `GET /health` (JSON; 503 when Redis is not ready or the worker stopped) and
 * `GET /metrics` (Prometheus text). Resolves once listening; port 0 picks a free port.
 */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  metrics: ScaleMetrics;
  health: () => HealthReport;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      const report = options.health();
      res
        .writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(report));
    } else if (req.method === 'GET' && path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Try /health or /metrics.');
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  // A TCP listener answers an AddressInfo (a string only for a pipe, null before listening).
  if (address === null || typeof address === 'string')
    throw new Error('the metrics server is not listening on TCP');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

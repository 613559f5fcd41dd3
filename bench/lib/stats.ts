/** Small numeric and Markdown helpers shared by the benchmark sections. */

/** The p-th percentile (0–100) of `values` by nearest rank; undefined for an empty list. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** The median (average of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `1.2 s`, `3.4 min`, `850 ms`. */
export function humanMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Bytes as `12.3 MB` (10^6) or `417 KB`. */
export function humanBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (Math.abs(bytes) >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}

/** A Markdown table; every cell is turned into a string. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `✅` when the target is met, `❌` when not. */
export function verdict(ok: boolean): string {
  return ok ? '✅' : '❌';
}

/** Resolves on the next turn of the event loop (lets pending I/O and timers run). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One figure of the targets, printed next to its target in the run's summary table. */
export interface Target {
  /** What is measured, e.g. `false recoveries, stress world, 30 days`. */
  figure: string;
  /** The measured value as printed, e.g. `0`, `1.21 ×`. */
  value: string;
  /** The target as printed, e.g. `0`, `≤ 1.3 × the probe timeout`. */
  target: string;
  /** Met or not; undefined = information only (no verdict). */
  ok?: boolean;
}

/** What a section hands back to `npm run bench`: its Markdown and the targets it measured. */
export interface SectionResult {
  markdown: string;
  targets: Target[];
}

/** Samples memory every 10 ms while `fn` runs; returns its wall time and the peaks. */
export async function measured<T>(fn: () => Promise<T>) {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, rss, heap };
  } finally {
    clearInterval(sampler);
  }
}

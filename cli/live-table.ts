import type { Config } from '../src/config/schema.js';
import type { Mode } from '../src/config/presets.js';
import { formatLastRepair, formatPercent, statusWord } from '../src/report/format.js';
import { buildStatusRows } from '../src/report/rows.js';
import type { UptimeState } from '../src/state/types.js';
import type { Colors } from './io.js';
import { stamp } from './print.js';

/** Samples kept per service for the history bar. */
export const HISTORY_SAMPLES = 20;

const BARS = ['▁', '▂', '▃', '▅', '▇'];

/**
 * A sparkline of response times, oldest first, scaled between the smallest and largest sample; a failed
 * check (`undefined`) is `×`. `▁▂▃▅▇` from fast to slow.
 */
export function sparkline(samples: Array<number | undefined>): string {
  const numbers = samples.filter((s): s is number => s !== undefined);
  const lo = Math.min(...numbers);
  const hi = Math.max(...numbers);
  return samples
    .map((s) => {
      if (s === undefined) return '×';
      if (hi === lo) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.floor(((s - lo) / (hi - lo)) * BARS.length))];
    })
    .join('');
}

/** Response-time history per service (a failed check is `undefined`), bounded to {@link HISTORY_SAMPLES}. */
export class ResponseHistory {
  private readonly samples = new Map<string, Array<number | undefined>>();

  /** Adds one check's response time (`undefined` for a failed one). */
  push(service: string, responseMs: number | undefined): void {
    const list = this.samples.get(service) ?? [];
    list.push(responseMs);
    if (list.length > HISTORY_SAMPLES) list.splice(0, list.length - HISTORY_SAMPLES);
    this.samples.set(service, list);
  }

  of(service: string): Array<number | undefined> {
    return this.samples.get(service) ?? [];
  }
}

/** What the live table shows besides the state. */
export interface LiveTableInput {
  config: Config;
  state: UptimeState;
  mode: Mode;
  now: number;
  history: ResponseHistory;
  /** The latest log lines, shown under the table. */
  recent: string[];
  colors: Colors;
  /** `⏳ 1m 20s left`, `Ctrl-C stops` ... */
  footer: string;
}

/**
 * `watch`'s table for a terminal, redrawn in place after every sweep: service, status, response time with its
 * history bar, uptime (time-based once time was watched), last repair; the latest events below.
 */
export function renderLiveTable(input: LiveTableInput): string {
  const { colors: c } = input;
  const rows = buildStatusRows(input.config, input.state, input.now);
  const cells = rows.map((row) => {
    const failing = row.failing === true;
    const word = failing ? 'failing' : statusWord(row.status);
    const paint =
      row.status === 'up' && !failing
        ? c.green
        : row.status === 'down' || failing
          ? c.red
          : row.status === 'unknown' || row.status === 'paused'
            ? c.dim
            : c.yellow;
    const history = input.history.of(row.id);
    const last = row.lastResponseMs === undefined ? '—' : `${Math.round(row.lastResponseMs)}ms`;
    return {
      name: row.name,
      status: { text: word, paint },
      response: `${last.padStart(7)} ${sparkline(history)}`,
      uptime: formatPercent(row.uptimeTimePercent ?? row.uptimePercent),
      repair: formatLastRepair(row),
    };
  });
  const nameW = Math.max(7, ...cells.map((x) => x.name.length));
  const statusW = Math.max(6, ...cells.map((x) => x.status.text.length));
  const respW = 8 + HISTORY_SAMPLES;
  const head = `${'Service'.padEnd(nameW)}  ${'Status'.padEnd(statusW)}  ${'Response'.padEnd(respW)}  ${'Uptime'.padEnd(7)}  Last repair`;
  const lines = [
    c.bold(`uptime-action watch · mode ${input.mode} · ${stamp(input.now)}`),
    '',
    c.bold(head),
    ...cells.map(
      (x) =>
        `${x.name.padEnd(nameW)}  ${x.status.paint(x.status.text.padEnd(statusW))}  ${x.response.padEnd(respW)}  ${x.uptime.padEnd(7)}  ${x.repair}`,
    ),
  ];
  if (input.recent.length) lines.push('', ...input.recent.map((l) => c.dim(l)));
  lines.push('', c.dim(input.footer));
  return lines.join('\n');
}

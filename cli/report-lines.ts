import type { Colors } from './io.js';

/** One service in the short report of `check` and `sweep`. */
export interface ReportLine {
  name: string;
  /** `up`, `slow`, `degraded`, `down`, `failing` (a failed check not yet confirmed down), `paused`, ... */
  status: string;
  detail: string;
}

const ICON: Record<string, string> = {
  up: '✅',
  slow: '🐢',
  degraded: '🟠',
  down: '❌',
  failing: '❌',
  paused: '⏸️ ',
  unknown: '❔',
};

/** `✅ API Server  up       12ms`, one line per service, names padded to one width; status coloured. */
export function renderServiceLines(lines: ReportLine[], c: Colors): string {
  const width = Math.max(0, ...lines.map((l) => l.name.length));
  return lines
    .map((l) => {
      const paint =
        l.status === 'up' ? c.green : l.status === 'down' || l.status === 'failing' ? c.red : c.yellow;
      return `${ICON[l.status] ?? '❔'} ${l.name.padEnd(width)}  ${paint(l.status.padEnd(8))} ${c.dim(l.detail)}`.trimEnd();
    })
    .join('\n');
}

import { formatBurn } from '../slo/burn.js';
import type { Config } from '../config/schema.js';
import type { UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import {
  rowEmoji,
  formatBudget,
  formatChecks,
  formatLastRepair,
  formatPercent,
  formatResponse,
  formatTimestamp,
  statusDetail,
  statusWord,
} from './format.js';
import {
  buildStatusHeader,
  buildStatusRows,
  type StatusHeader,
  type StatusOptions,
  type StatusRow,
} from './rows.js';

const WIDTH = 60;
const LABEL = 22;

/**
 * The seed's status block for the terminal (printed every minute by `watch`): a header with the time, the
 * mode and the check interval, then per service its status, uptime, response time (last and average),
 * checks, predictive restarts, repairs and the last repair. Labels are padded to a fixed width.
 */
export function renderStatusText(config: Config, state: UptimeState, options: StatusOptions): string {
  const rows = buildStatusRows(config, state, options.now, options);
  const header = buildStatusHeader(config, state, options);
  const heavy = '═'.repeat(WIDTH);
  const light = '─'.repeat(WIDTH);
  const lines = [
    heavy,
    `📊 STATUS REPORT · ${formatTimestamp(header.now)}`,
    `   Mode: ${header.mode.toUpperCase()} · check every ${formatDuration(header.intervalMs)}`,
    heavy,
  ];
  if (rows.length === 0) lines.push('   (no services)');
  rows.forEach((row, i) => {
    if (i > 0) lines.push(light);
    lines.push(...serviceBlock(row, header));
  });
  lines.push(heavy);
  return lines.join('\n');
}

function serviceBlock(row: StatusRow, header: StatusHeader): string[] {
  const detail = statusDetail(row, header.now);
  const title = `${rowEmoji(row)} ${row.name}${row.name === row.id ? '' : ` (${row.id})`}: ${statusWord(row.status, row.failing).toUpperCase()}`;
  const field = (label: string, value: string) => `   ${`${label}:`.padEnd(LABEL)}${value}`;
  const lines = [detail ? `${title} (${detail})` : title];
  lines.push(field('Uptime', formatPercent(row.uptimeTimePercent ?? row.uptimePercent)));
  lines.push(field('Response time', formatResponse(row)));
  lines.push(field('Checks', formatChecks(row)));
  lines.push(field('Predictive restarts', String(row.predictiveRestarts)));
  lines.push(field('Repairs', String(row.repairs)));
  lines.push(field('Last repair', formatLastRepair(row)));
  if (row.budget && header.slo !== undefined)
    lines.push(field(`Budget (SLO ${header.slo}%)`, formatBudget(row.budget)));
  if (row.burn) lines.push(field('Burn rate', formatBurn(row.burn)));
  if (row.incident !== undefined)
    lines.push(field('Incident', `#${row.incident}${row.incidentUrl ? ` ${row.incidentUrl}` : ''}`));
  return lines;
}

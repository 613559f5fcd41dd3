import { formatBurn } from '../slo/burn.js';
import type { Config } from '../config/schema.js';
import type { UptimeState } from '../state/types.js';
import { gitHubMarkdown, MAX_NAME, plainText } from '../util/escape.js';
import { formatDuration } from '../util/duration.js';
import {
  NONE,
  rowEmoji,
  formatBudget,
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

/**
 * The dashboard as Markdown, for job summaries, `/status` replies and incident issues: a heading with the
 * time, mode and interval, a table (service, status, uptime, response time, checks, repairs, last repair),
 * and the SLO error budget per service.
 */
export function renderStatusMarkdown(config: Config, state: UptimeState, options: StatusOptions): string {
  const rows = buildStatusRows(config, state, options.now, options);
  const header = buildStatusHeader(config, state, options);
  const lines = [
    `### 📊 Status · ${formatTimestamp(header.now)}`,
    '',
    `Mode **${header.mode}** · check every ${formatDuration(header.intervalMs)}`,
    '',
    '| Service | Status | Uptime | Response time | Checks | Repairs | Last repair |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => tableRow(row, header.now)),
  ];
  const budget = budgetLine(rows, header);
  if (budget) lines.push('', budget);
  // Burn-rate alerts (src/slo/burn.ts): only the services burning now.
  const burning = rows.filter((r) => r.burn?.burning).map((r) => `\`${r.id}\` ${formatBurn(r.burn!)}`);
  if (burning.length) lines.push('', `🔥 **Burning the error budget**: ${burning.join(' · ')}`);
  return lines.join('\n');
}

function tableRow(row: StatusRow, now: number): string {
  const detail = statusDetail(row, now);
  // The name comes from the config and the detail may quote an endpoint: escaped for Markdown (src/util/escape.ts).
  const name = gitHubMarkdown(plainText(row.name, MAX_NAME));
  const service = row.name === row.id ? `\`${row.id}\`` : `${name} (\`${row.id}\`)`;
  const incident =
    row.incident === undefined
      ? ''
      : ` · ${row.incidentUrl ? `[#${row.incident}](${row.incidentUrl})` : `#${row.incident}`}`;
  const cells = [
    service,
    `${rowEmoji(row)} ${gitHubMarkdown(`${statusWord(row.status, row.failing)}${detail ? ` (${detail})` : ''}`)}${incident}`,
    formatPercent(row.uptimeTimePercent ?? row.uptimePercent),
    formatResponse(row),
    row.checksTotal === 0 ? NONE : `${row.checksOk}/${row.checksTotal}`,
    row.predictiveRestarts > 0
      ? `${row.repairs} (${row.predictiveRestarts} predictive)`
      : String(row.repairs),
    gitHubMarkdown(formatLastRepair(row)),
  ];
  return `| ${cells.map(oneCell).join(' | ')} |`;
}

function budgetLine(rows: StatusRow[], header: StatusHeader): string | undefined {
  if (header.slo === undefined) return undefined;
  const parts = rows.filter((r) => r.budget).map((r) => `\`${r.id}\` ${formatBudget(r.budget)}`);
  if (parts.length === 0) return `**SLO ${header.slo}%** error budget: ${NONE} (no checks yet)`;
  return `**SLO ${header.slo}%** error budget: ${parts.join(' · ')}`;
}

/** No line break inside a cell (escaped text has no bare pipe left). */
const oneCell = (text: string) => text.replace(/\r?\n/g, ' ');

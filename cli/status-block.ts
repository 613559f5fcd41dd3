import type { Mode } from '../src/config/presets.js';
import type { Config } from '../src/config/schema.js';
import { renderStatusText } from '../src/report/text.js';
import type { UptimeState } from '../src/state/types.js';

/** The seed's status block (src/report), as `watch`, `status` and the demo print it. */
export function renderStatus(
  config: Config,
  state: UptimeState,
  options: { mode: Mode; now: number },
): string {
  return renderStatusText(config, state, { now: options.now, mode: options.mode });
}

import { createInterface } from 'node:readline/promises';
import type { CliIO } from './io.js';

/**
 * What only a real terminal gives: `watch`'s table redrawn in place (log-update) and `init`'s questions
 * (node:readline). Nothing when stdout is not a terminal (piped, CI): then `watch` logs lines and `init`
 * takes flags.
 */
export async function terminalExtras(isTTY: boolean): Promise<Pick<CliIO, 'redraw' | 'ask'>> {
  if (!isTTY) return {};
  const { createLogUpdate } = await import('log-update');
  const logUpdate = createLogUpdate(process.stdout);
  const extras: Pick<CliIO, 'redraw' | 'ask'> = {
    redraw: { update: (text) => logUpdate(text), done: () => logUpdate.done() },
  };
  if (process.stdin.isTTY) {
    extras.ask = async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    };
  }
  return extras;
}

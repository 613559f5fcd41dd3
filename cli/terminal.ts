import { createInterface } from 'node:readline/promises';
import type { CliIO } from './io.js';

/**
 * What only a real terminal gives: `watch`'s table redrawn in place (log-update) and `init`'s questions
 * (node:readline). Nothing when stdout is not a terminal (piped, CI): then `watch` logs lines and `init`
 * takes flags.
 */
export async function terminalExtras(isTTY: boolean): Promise<Pick<CliIO, 'redraw' | 'ask'>> {
  if (!isTTY) return {};
  const extras: Pick<CliIO, 'redraw' | 'ask'> = {};
  if (process.stdin.isTTY) extras.ask = ask;
  // A terminal that reports no size (rows 0) would have log-update clip every frame to nothing: log lines then.
  if (!(process.stdout.rows > 0)) return extras;
  const { createLogUpdate } = await import('log-update');
  const logUpdate = createLogUpdate(process.stdout);
  extras.redraw = { update: (text) => logUpdate(text), done: () => logUpdate.done() };
  return extras;
}

/** One question on the terminal (node:readline), the answer as typed. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

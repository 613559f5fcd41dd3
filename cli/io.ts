import pc from 'picocolors';
import { makeRedactor, secretValues } from '../src/util/secrets.js';

/** picocolors' formatter set (`c.red(text)`, ...); plain identity functions when colours are off. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Where the CLI writes and what it reads from the outside. `main()` takes one, so tests run the CLI
 * in-process with captured output; the real entry uses {@link processIO}.
 */
export interface CliIO {
  /** One line (or block) to stdout. */
  out(text: string): void;
  /** One line (or block) to stderr. */
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal: colours, the live `watch` table, `init`'s questions. @default false */
  isTTY?: boolean;
  /** Redraws a block in place (log-update); only used when `isTTY`. */
  redraw?: { update(text: string): void; done(): void };
  /** Reads answers for `init` (a terminal); undefined = no questions asked. */
  ask?: (question: string) => Promise<string>;
  /** Aborted on Ctrl-C (watch and demo stop cleanly). Default: SIGINT/SIGTERM of this process. */
  signal?: AbortSignal;
  /** Folder the default config path (`.github/uptime.yml`) is read from. @default the process's cwd */
  cwd?: string;
  /** Current time for banners and log stamps. @default Date.now */
  now?: () => number;
}

/**
 * Colours on or off: a non-empty NO_COLOR (https://no-color.org) turns them off whatever else is set, a
 * person's "no" winning over a tool's FORCE_COLOR; FORCE_COLOR (not `0`) forces them; otherwise only on a
 * terminal that is not `dumb`.
 */
export function colorsEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** The colour functions for an IO. */
export function colorsFor(io: CliIO): Colors {
  return pc.createColors(colorsEnabled(io.env, io.isTTY === true));
}

/** The real terminal. */
export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
}

/**
 * A closed pipe (`uptime-action doctor | head -1`) ends the process quietly with the exit code so far,
 * instead of an unhandled EPIPE with a stack.
 */
export function exitQuietlyOnEpipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
}

/** Wraps an IO so that no secret from its environment is ever printed (src/util/secrets.ts). */
export function redactedIO(io: CliIO): CliIO {
  const redact = makeRedactor(secretValues(io.env));
  return {
    ...io,
    out: (text) => io.out(redact(text)),
    err: (text) => io.err(redact(text)),
    redraw: io.redraw && {
      update: (text) => io.redraw?.update(redact(text)),
      done: () => io.redraw?.done(),
    },
  };
}

/**
 * An AbortSignal for Ctrl-C: the IO's own when given (tests), else one fired by SIGINT or SIGTERM.
 * Call `dispose` when done so no listener is left on the process.
 */
export function interruptSignal(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  if (io.signal) return { signal: io.signal, dispose: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

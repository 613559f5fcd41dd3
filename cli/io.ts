import { makeRedactor, secretValues } from '../src/util/secrets.js';

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
  /** Aborted on Ctrl-C (watch and demo stop cleanly). Default: SIGINT/SIGTERM of this process. */
  signal?: AbortSignal;
  /** Folder the default config path (`.github/uptime.yml`) is read from. @default the process's cwd */
  cwd?: string;
  /** Current time for banners and log stamps. @default Date.now */
  now?: () => number;
}

/** The real terminal. */
export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  };
}

/** Wraps an IO so that no secret from its environment is ever printed (src/util/secrets.ts). */
export function redactedIO(io: CliIO): CliIO {
  const redact = makeRedactor(secretValues(io.env));
  return { ...io, out: (text) => io.out(redact(text)), err: (text) => io.err(redact(text)) };
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

/** The logger every layer takes; faces adapt their own (console, @actions/core, pino). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** `logger` with each line passed through `redact` first (the run's redactor: src/run/redactor.ts). */
export function redactingLogger(logger: Logger, redact: (text: string) => string): Logger {
  return {
    debug: (m) => logger.debug(redact(m)),
    info: (m) => logger.info(redact(m)),
    warn: (m) => logger.warn(redact(m)),
    error: (m) => logger.error(redact(m)),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

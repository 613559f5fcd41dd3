/** The logger every layer takes; faces adapt their own (console, @actions/core, pino). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A console logger that scrubs secrets before printing. */
export function consoleLogger(options: { debug?: boolean; redact?: (text: string) => string } = {}): Logger {
  const clean = options.redact ?? ((t: string) => t);
  return {
    debug: (m) => {
      if (options.debug) console.debug(clean(m));
    },
    info: (m) => console.log(clean(m)),
    warn: (m) => console.warn(clean(m)),
    error: (m) => console.error(clean(m)),
  };
}

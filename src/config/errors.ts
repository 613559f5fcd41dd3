/** One thing wrong with the config: where (a key path like `services.coqui.url`), what, and how to fix it. */
export interface ConfigProblem {
  path: string;
  message: string;
  fix?: string;
}

/**
 * A config that can't be used. The CLI prints `message` and exits 2; the Action fails the step with it;
 * the bot replies with it. It never contains a secret (values of secret keys are never quoted).
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(source: string, problems: ConfigProblem[]): string {
  const lines = problems.map(
    (p) => `  - ${p.path || '(top level)'}: ${p.message}${p.fix ? ` Fix: ${p.fix}` : ''}`,
  );
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `Invalid config (${source}): ${problems.length} ${noun}\n${lines.join('\n')}`;
}

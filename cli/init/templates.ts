import { stringify } from 'yaml';

/** One service `init` writes. */
export interface InitService {
  /** Config key: lower-case letters, digits, `-` and `_`. */
  id: string;
  url: string;
  provider?: string;
  /** The platform's service ID (Railway, Render, Fly app, Heroku app), when there is a provider. */
  serviceId?: string;
}

/** The default schedule: every 30 minutes, one sweep a run = 1,440 billed minutes a month (GitHub Free: 2,000). */
export const DEFAULT_SCHEDULE = '*/30 * * * *';

/** Secret each provider reads from the environment (docs/providers/*.md). */
export const PROVIDER_SECRET: Record<string, string | undefined> = {
  railway: 'RAILWAY_TOKEN',
  render: 'RENDER_API_KEY',
  fly: 'FLY_API_TOKEN',
  heroku: 'HEROKU_API_KEY',
  webhook: undefined,
  command: undefined,
};

/** `.github/uptime.yml` for the services. */
export function renderConfig(services: InitService[]): string {
  const body: Record<string, unknown> = {};
  for (const s of services) {
    const entry: Record<string, unknown> = { url: s.url, timeout: '10s' };
    if (s.provider) {
      entry.recovery = {
        provider: s.provider,
        ...(s.serviceId ? { serviceId: s.serviceId } : {}),
        actions: ['restart', 'redeploy'],
      };
    }
    body[s.id] = entry;
  }
  return [
    '# uptime-action config, written by `uptime-action init`. Reference: docs/configuration.md',
    '# normal mode: a check every 10 s while a job runs, down after 2 failed checks in a row.',
    'mode: normal',
    '',
    stringify({ services: body }).trimEnd(),
    '',
  ].join('\n');
}

/** `.github/workflows/uptime.yml`: one sweep per scheduled run, the provider's secret passed as env. */
export function renderWorkflow(services: InitService[], schedule: string): string {
  const secrets = [...new Set(services.map((s) => (s.provider ? PROVIDER_SECRET[s.provider] : undefined)))];
  const env = secrets
    .filter((s): s is string => s !== undefined)
    .map((name) => `          ${name}: \${{ secrets.${name} }}`);
  return [
    '# Written by `uptime-action init`. One sweep per run: check, confirm, recover, save.',
    '# Costs: docs/costs.md (*/30 = 1,440 billed minutes a month on a private repository).',
    'name: uptime',
    '',
    'on:',
    '  schedule:',
    `    - cron: '${schedule}'`,
    '  workflow_dispatch:',
    '',
    'concurrency:',
    '  group: uptime',
    '  cancel-in-progress: false',
    '',
    'permissions:',
    '  issues: write',
    '  contents: write',
    '  actions: read',
    '',
    'jobs:',
    '  sweep:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 10',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          sparse-checkout: .github',
    '      - uses: superparty/uptime-action@v1',
    '        with:',
    '          config: .github/uptime.yml',
    ...(env.length ? ['        env:', ...env] : []),
    '',
  ].join('\n');
}

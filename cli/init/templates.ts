import { stringify } from 'yaml';

/** The recovery keys `init` writes for one service (each provider's own keys, docs/providers/*.md). */
export type InitRecovery =
  | { provider: 'railway'; serviceId: string; environmentId?: string }
  | { provider: 'render'; serviceId: string }
  | { provider: 'fly' | 'heroku'; app: string }
  | { provider: 'webhook'; url: string }
  | { provider: 'command'; restart: string; redeploy?: string };

/** One service `init` writes. */
export interface InitService {
  /** Config key: lower-case letters, digits, `-` and `_`. */
  id: string;
  url: string;
  recovery?: InitRecovery;
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

/**
 * The recovery ladder `init` writes: only the actions the provider can carry out with what was given
 * (Fly and Heroku only restart; a command service redeploys only when it has a redeploy command).
 */
export function initActions(recovery: InitRecovery): string[] {
  switch (recovery.provider) {
    case 'railway':
    case 'render':
    case 'webhook':
      return ['restart', 'redeploy'];
    case 'fly':
    case 'heroku':
      return ['restart'];
    case 'command':
      return recovery.redeploy ? ['restart', 'redeploy'] : ['restart'];
  }
}

/** `.github/uptime.yml` for the services. */
export function renderConfig(services: InitService[]): string {
  const body: Record<string, unknown> = {};
  for (const s of services) {
    const entry: Record<string, unknown> = { url: s.url, timeout: '10s' };
    if (s.recovery) entry.recovery = { ...s.recovery, actions: initActions(s.recovery) };
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

/** The secrets the services' providers read, each once, in order. */
export function secretsOf(services: InitService[]): string[] {
  const names = services.map((s) => (s.recovery ? PROVIDER_SECRET[s.recovery.provider] : undefined));
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/** The workflow's opening comment: what it costs (in figures for the default schedule). */
function costComment(schedule: string): string[] {
  return schedule === DEFAULT_SCHEDULE
    ? [
        '# Scheduled health sweeps with recovery and incident issues: one sweep (check, confirm, recover, save)',
        '# every 30 minutes = 1,440 runs of about a minute = 1,440 billed minutes a month on a private repository,',
        "# inside GitHub Free's 2,000 (docs/costs.md). For checks every few seconds see uptime-continuous.yml.",
      ]
    : [
        '# Scheduled health sweeps with recovery and incident issues: one sweep (check, confirm, recover, save)',
        '# per scheduled run, each billed as one minute on a private repository (docs/costs.md).',
      ];
}

/**
 * `.github/workflows/uptime.yml`: one sweep per scheduled run, the providers' secrets passed as env.
 * With the default schedule and a Railway service this is examples/workflows/uptime.yml, byte for byte
 * (the README shows that file; test/cli/walkthrough.test.ts keeps the three equal).
 */
export function renderWorkflow(services: InitService[], schedule: string): string {
  const env = secretsOf(services).map((name) => `          ${name}: \${{ secrets.${name} }}`);
  return [
    ...costComment(schedule),
    "# `uptime-action init` writes this file as .github/workflows/uptime.yml, with your provider's secret",
    '# under env:, and the services in .github/uptime.yml.',
    'name: uptime',
    '',
    'on:',
    '  schedule:',
    `    - cron: '${schedule}' # GitHub may delay or drop scheduled runs; the action reports gaps`,
    '  workflow_dispatch:',
    '',
    '# Never cancel a run that may be restarting a service; queue the next one instead.',
    'concurrency:',
    '  group: uptime',
    '  cancel-in-progress: false',
    '',
    '# Least privilege: incident issues, the uptime-state branch, and the run history (cron-gap detection).',
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
    '      - id: uptime',
    '        uses: superparty/uptime-action@v1',
    '        with:',
    '          config: .github/uptime.yml',
    ...(env.length ? ['        env:', ...env] : []),
    '      - if: always()',
    '        run: echo "status=${{ steps.uptime.outputs.status }} down=${{ steps.uptime.outputs.down-services }}"',
    '',
  ].join('\n');
}

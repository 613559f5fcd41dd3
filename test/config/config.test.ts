import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseConfigText, resolveTuning } from '../../src/config/index.js';
import { parseDuration, formatDuration } from '../../src/util/duration.js';

const ok = `
mode: extreme
services:
  backend:
    name: Backend Node.js
    url: https://whats-app-ompro.ro/health
    expect: { status: "200-299", body: "ok" }
    timeout: 10s
    recovery: { provider: railway, serviceId: abc123, environmentId: env456, actions: [restart, redeploy] }
  coqui:
    name: Coqui Voice Service
    url: \${COQUI_API_URL}
    recovery: { provider: railway, serviceId: def456 }
`;

function problem(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfigText(text, 'uptime.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const svc = (extra: string) => `services:\n  api:\n    url: http://127.0.0.1:8080/health\n${extra}`;

describe('config', () => {
  it('parses the ARCHITECTURE.md example with env expansion and defaults', () => {
    const c = parseConfigText(ok, 'uptime.yml', { COQUI_API_URL: 'https://coqui.example/health' });
    expect(c.services.coqui).toMatchObject({
      id: 'coqui',
      name: 'Coqui Voice Service',
      url: 'https://coqui.example/health',
      timeout: 10_000,
    });
    expect(c.services.coqui.recovery).toMatchObject({
      provider: 'railway',
      serviceId: 'def456',
      actions: ['restart', 'redeploy'],
    });
    expect(c.services.backend.expect).toEqual({ status: [[200, 299]], body: 'ok', json: undefined });
    expect(c.permissions.mode).toBe('admin');
  });

  it('applies modes and presets exactly as the seed, and lets any tuning key override', () => {
    const base = parseConfigText(svc(''), 'x', {});
    expect(resolveTuning(base, 'normal')).toMatchObject({
      healthCheckInterval: 10_000,
      maxConsecutiveFailures: 2,
      slowResponseThreshold: 10_000,
      degradationThreshold: 5,
    });
    expect(resolveTuning(base, 'extreme')).toMatchObject({
      healthCheckInterval: 5_000,
      maxConsecutiveFailures: 1,
      slowResponseThreshold: 5_000,
      degradationThreshold: 3,
      parallelRecovery: true,
      predictiveRestart: true,
    });
    const aggressive = parseConfigText(`preset: aggressive\n${svc('')}`, 'x', {});
    expect(resolveTuning(aggressive)).toMatchObject({
      healthCheckInterval: 3_000,
      maxConsecutiveFailures: 1,
      slowResponseThreshold: 3_000,
      degradationThreshold: 2,
    });
    const tuned = parseConfigText(
      `mode: extreme\nhealthCheckInterval: 2m\nslowResponseThreshold: 1500\n${svc('')}`,
      'x',
      {},
    );
    expect(resolveTuning(tuned)).toMatchObject({
      healthCheckInterval: 120_000,
      slowResponseThreshold: 1_500,
      maxConsecutiveFailures: 1,
    });
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['empty services', 'services: {}', /services: has no services/],
    ['no services key', 'mode: normal', /services: is missing/],
    [
      'unknown mode',
      `mode: crazy\n${svc('')}`,
      /mode: "crazy" is not allowed; expected one of "normal", "extreme"/,
    ],
    [
      'unknown preset',
      `preset: turbo\n${svc('')}`,
      /preset: "turbo" is not allowed.*Fix: use conservative, balanced or aggressive/,
    ],
    [
      'misspelled key',
      `healthcheckInterval: 5s\n${svc('')}`,
      /unknown key "healthcheckInterval" \(did you mean "healthCheckInterval"\?\)/,
    ],
    [
      'bad duration',
      `healthCheckInterval: 5 seconds\n${svc('')}`,
      /healthCheckInterval: "5 seconds" is not a duration/,
    ],
    [
      'interval too short',
      `healthCheckInterval: 10ms\n${svc('')}`,
      /healthCheckInterval: "10ms" is too short/,
    ],
    [
      'zero failures',
      `maxConsecutiveFailures: 0\n${svc('')}`,
      /maxConsecutiveFailures: .*out of range.*Fix: use a whole number/,
    ],
    ['fractional threshold', `degradationThreshold: 2.5\n${svc('')}`, /degradationThreshold: /],
    [
      'boolean as string',
      `parallelRecovery: "yes"\n${svc('')}`,
      /parallelRecovery: must be true or false, not the text "yes"/,
    ],
    [
      'ftp url',
      'services:\n  api:\n    url: ftp://x/health',
      /services\.api\.url: must be a full http\(s\) URL/,
    ],
    ['missing url', 'services:\n  api:\n    name: API', /services\.api\.url: is missing/],
    [
      'unset env var',
      'services:\n  api:\n    url: ${NOPE_URL}',
      /services\.api\.url: refers to \$\{NOPE_URL\}, which is not set.*Fix: set NOPE_URL/,
    ],
    [
      'bad status',
      svc('    expect: { status: "abc" }'),
      /services\.api\.expect\.status: "abc" is not a status/,
    ],
    [
      'inverted status range',
      svc('    expect: { status: "299-200" }'),
      /services\.api\.expect\.status: 299-200 is not a valid status range/,
    ],
    [
      'unknown provider',
      svc('    recovery: { provider: aws }'),
      /services\.api\.recovery\.provider: provider must be one of railway, render, fly, heroku, webhook, command/,
    ],
    [
      'railway without serviceId',
      svc('    recovery: { provider: railway }'),
      /services\.api\.recovery\.serviceId: is missing.*Railway: Service → Settings/,
    ],
    ['fly without app', svc('    recovery: { provider: fly }'), /services\.api\.recovery\.app: is missing/],
    [
      'command without restart',
      svc('    recovery: { provider: command }'),
      /services\.api\.recovery\.restart: is missing/,
    ],
    [
      'redeploy without a command',
      svc('    recovery: { provider: command, restart: "x", actions: [redeploy] }'),
      /lists redeploy but the command provider has no redeploy command/,
    ],
    [
      'unknown action',
      svc('    recovery: { provider: railway, serviceId: a, actions: [reboot] }'),
      /services\.api\.recovery\.actions\.0: "reboot" is not allowed; expected one of "restart", "redeploy"/,
    ],
    [
      'bad service key',
      'services:\n  "my api":\n    url: http://x/health',
      /"my api" is not a valid service key/,
    ],
    ['service is a list', 'services:\n  api: [1, 2]', /services\.api: must be a mapping, not a list/],
    ['not a mapping', '- a\n- b', /the file must be a YAML mapping/],
    ['yaml syntax', 'services:\n  api: [', /is not valid YAML at line \d+/],
    ['bad slo', `slo: 100\n${svc('')}`, /slo: /],
    ['bad assignee', `assignees: ["not a login!"]\n${svc('')}`, /assignees\.0: /],
    [
      'bad permission level',
      `permissions: { restart: owner }\n${svc('')}`,
      /permissions\.restart: "owner" is not allowed/,
    ],
    ['negative timeout', svc('    timeout: -5'), /services\.api\.timeout: -5 is not a duration/],
    [
      'unknown service key',
      svc('    recover: { provider: railway }'),
      /unknown key "recover" \(did you mean "recovery"\?\)/,
    ],
  ];

  it.each(malformed)('rejects %s with the key, the problem and a fix', (_name, text, expected) => {
    expect(problem(text)).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const message = problem(`mode: crazy\nhealthCheckInterval: soon\nservices:\n  api:\n    url: nope`);
    expect(message).toMatch(/3 problems/);
  });

  it('never quotes a secret from the environment in an error', () => {
    const message = problem('services:\n  api:\n    url: http://x/health\n    timeout: "${API_TOKEN}"', {
      API_TOKEN: 's3cr3t-value',
    });
    expect(message).toMatch(/services\.api\.timeout: "\$\{API_TOKEN\}" is not a duration/);
    expect(message).not.toContain('s3cr3t-value');
  });
});

describe('seed variables', () => {
  const missing = async () => {
    throw Object.assign(new Error('no file'), { code: 'ENOENT' });
  };

  it('define backend and coqui on Railway when there is no config file', async () => {
    const c = await loadConfig({
      readText: missing,
      env: {
        BACKEND_URL: 'https://api.example',
        BACKEND_SERVICE_ID: 'svc-b',
        COQUI_API_URL: 'https://tts.example/health',
        COQUI_SERVICE_ID: 'svc-c',
        LEGACY_TOKEN: 'x',
      },
    });
    expect(c.source).toBe('environment variables (BACKEND_URL, COQUI_API_URL)');
    expect(c.services.backend).toMatchObject({
      name: 'Backend Node.js',
      url: 'https://api.example/health',
      recovery: { provider: 'railway', serviceId: 'svc-b' },
    });
    expect(c.services.coqui).toMatchObject({
      name: 'Coqui Voice Service',
      url: 'https://tts.example/health',
      recovery: { provider: 'railway', serviceId: 'svc-c' },
    });
  });

  it('are not used when a config file was named explicitly and is missing', async () => {
    await expect(
      loadConfig({
        path: 'typo.yml',
        explicit: true,
        readText: missing,
        env: { BACKEND_URL: 'https://api.example' },
      }),
    ).rejects.toThrow(/typo\.yml\): 1 problem\n {2}- \(top level\): the file does not exist/);
  });

  it('explain what to do when neither a file nor the variables exist', async () => {
    await expect(loadConfig({ readText: missing, env: {} })).rejects.toThrow(
      /create \.github\/uptime\.yml .* or set BACKEND_URL/,
    );
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect([
      parseDuration('5s'),
      parseDuration('2m'),
      parseDuration('1m30s'),
      parseDuration(250),
      parseDuration('250ms'),
      parseDuration('x'),
    ]).toEqual([5000, 120000, 90000, 250, 250, undefined]);
    expect([formatDuration(850), formatDuration(92_000), formatDuration(3_700_000)]).toEqual([
      '850ms',
      '1m 32s',
      '1h 1m',
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  ConfigError,
  expansionProblem,
  hostedPolicyFromEnv,
  parseConfig,
  parseConfigText,
} from '../../src/config/index.js';

/** Hostile configs (issue 9): what a repository's config could use against a hosted bot. */

function problem(text: string, env: NodeJS.ProcessEnv = {}, hosted?: NodeJS.ProcessEnv): string {
  try {
    parseConfigText(text, 'uptime.yml', env, { policy: hosted ? hostedPolicyFromEnv(hosted) : undefined });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const svc = (extra: string, url = 'https://api.example.com/health') =>
  `services:\n  api:\n    url: "${url}"\n${extra}`;

describe('hosted policy', () => {
  it('refuses the command provider, naming the setting that allows it', () => {
    const text = svc('    recovery: { provider: command, restart: "env | base64" }\n');
    expect(problem(text, {}, {})).toContain(
      'services.api.recovery.provider: "command" is not allowed on this hosted bot. Fix: the operator can allow it with UPTIME_ALLOWED_PROVIDERS=railway,render,fly,heroku,command',
    );
    expect(parseConfigText(text, 'uptime.yml', {}).services.api.recovery?.provider).toBe('command');
    const allowed = hostedPolicyFromEnv({ UPTIME_ALLOWED_PROVIDERS: 'railway,command' });
    expect(parseConfigText(text, 'x', {}, { policy: allowed }).services.api.recovery?.provider).toBe(
      'command',
    );
  });

  it('refuses ${PRIVATE_KEY} in a URL and ${WEBHOOK_SECRET} in a header, without their values', () => {
    const env = { PRIVATE_KEY: '-----BEGIN KEY-----abc', WEBHOOK_SECRET: 'whsec-123456' };
    const url = problem(svc('', 'http://host.example/k?pk=${PRIVATE_KEY}'), env, {});
    expect(url).toContain('services.api.url: refers to the environment variable PRIVATE_KEY');
    expect(url).toContain('UPTIME_CONFIG_ENV=PRIVATE_KEY');
    const header = problem(svc('    headers: { X: "${WEBHOOK_SECRET}" }\n'), env, {});
    expect(header).toContain('services.api.headers.X: refers to the environment variable WEBHOOK_SECRET');
    for (const text of [url, header]) {
      expect(text).not.toContain('BEGIN KEY');
      expect(text).not.toContain('whsec-123456');
    }
    const withFallback = problem(svc('    headers: { X: "${WEBHOOK_SECRET:-x}" }\n'), env, {});
    expect(withFallback).toContain('WEBHOOK_SECRET');
  });

  it('refuses a webhook secretEnv outside UPTIME_CONFIG_ENV', () => {
    const text = svc(
      '    recovery: { provider: webhook, url: "https://hooks.example/r", secretEnv: RAILWAY_API_TOKEN }\n',
    );
    const message = problem(text, {}, { UPTIME_ALLOWED_PROVIDERS: 'webhook' });
    expect(message).toContain(
      'services.api.recovery.secretEnv: refers to the environment variable RAILWAY_API_TOKEN',
    );
  });

  it('lets the operator widen it with UPTIME_CONFIG_ENV', () => {
    const policy = hostedPolicyFromEnv({ UPTIME_CONFIG_ENV: 'HEALTH_TOKEN' });
    const config = parseConfigText(
      svc('    headers: { X: "${HEALTH_TOKEN}" }\n'),
      'x',
      { HEALTH_TOKEN: 't0k3n' },
      { policy },
    );
    expect(config.services.api.headers.X).toBe('t0k3n');
  });

  it('reads its defaults and refuses values it does not understand', () => {
    expect(hostedPolicyFromEnv({})).toEqual({
      allowedProviders: ['railway', 'render', 'fly', 'heroku'],
      configEnv: [],
      privateTargets: 'deny',
    });
    expect(() => hostedPolicyFromEnv({ UPTIME_PRIVATE_TARGETS: 'maybe' })).toThrow(/UPTIME_PRIVATE_TARGETS/);
    expect(() => hostedPolicyFromEnv({ UPTIME_ALLOWED_PROVIDERS: 'railway,ssh' })).toThrow(/"ssh"/);
  });
});

describe('prototype names', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])(
    'rejects the service key %s',
    (key) => {
      const text = `services:\n  ${key}:\n    url: https://api.example.com/health\n`;
      expect(problem(text)).toContain(`services.${key}: "${key}" can't be used as a key`);
    },
  );
});

describe('credentials in URLs', () => {
  it('rejects http://admin:pw@host/ without printing the password', () => {
    const message = problem(svc('', 'http://admin:hunter2@host.example/'));
    expect(message).toContain('services.api.url: contains a user name or password');
    expect(message).toContain('headers');
    expect(message).toContain('${');
    expect(message).not.toContain('hunter2');
  });
});

describe('hiding environment values in config errors', () => {
  it.each([
    ['quotes and backslashes', 'a"b\\c\'d'],
    ['regex specials', '$&.*+?^(x)|[y]'],
    ['a long value', 'x'.repeat(90)],
  ])('is exact for %s', (_label, value) => {
    const mode = problem('mode: ${MODE_VALUE}\n' + svc(''), { MODE_VALUE: value });
    const timeout = problem(svc('    timeout: "${T}"\n'), { T: value });
    for (const text of [mode, timeout]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
      expect(text).not.toContain(value.slice(0, 40));
    }
  });
});

describe('size', () => {
  it('fails fast on a 981 KB config of aliases', () => {
    const leaf = 'y'.repeat(100);
    const items = Array.from({ length: 9000 }, () => `    - ${leaf}`).join('\n');
    const aliases = Array.from({ length: 500 }, () => '*big').join(', ');
    const text = `x-big: &big\n${items}\nx-many: [${aliases}]\n${svc('')}`;
    expect(text.length).toBeGreaterThan(900_000);
    expect(text.length).toBeLessThan(1024 * 1024);
    expect(problem(text)).toContain('once YAML aliases (*name) are resolved');
  });

  it('bounds the expanded size even when the yaml library lets the aliases through', () => {
    const big = Array.from({ length: 1000 }, (_, i) => `value-${i}`);
    const raw = { services: { api: { url: 'https://api.example.com/health' } }, x: Array(500).fill(big) };
    expect(expansionProblem(raw)?.message).toContain('more than 100000 values');
    expect(() => parseConfig(raw, 'uptime.yml')).toThrow(/once YAML aliases/);
  });

  it('refuses a source over 1 MiB', () => {
    expect(problem(`# ${'z'.repeat(1024 * 1024)}\n${svc('')}`)).toContain('at most 1048576 bytes');
  });
});

describe('durations (issue 11)', () => {
  it('warns that a bare number under 1000 is milliseconds', () => {
    const config = parseConfigText(svc('    timeout: 500\n'), 'x', {});
    expect(config.warnings?.[0].message).toBe(
      'timeout: 500 means 500 ms; write "500s" if you meant seconds.',
    );
    expect(problem(svc('    timeout: 10\n'))).toContain('10 means 10 ms; write "10s" if you meant seconds');
  });

  it('rejects slowResponseThreshold at or above a timeout, naming both keys', () => {
    const message = problem(`slowResponseThreshold: 10s\n${svc('    timeout: 5s\n')}`);
    expect(message).toContain('slowResponseThreshold: 10000ms is not below services.api.timeout (5000ms)');
  });
});

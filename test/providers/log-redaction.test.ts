import { describe, expect, it } from '@jest/globals';
import { MAX_LOG_LINE, redactLogLine } from '../../src/util/redact.js';
import { makeRedactor } from '../../src/util/secrets.js';

describe('redactLogLine (issue 13: log lines in incidents)', () => {
  it.each([
    ['Authorization: Bearer abc.DEF-123_456789xyz', 'Authorization: Bearer ***', 'abc.DEF'],
    ['charge failed with sk_live_51HxYzAbCdEf0123456789', 'charge failed with sk_live_***', '51HxYz'],
    ['using key AKIAIOSFODNN7EXAMPLE for s3', 'using key AKIA*** for s3', 'IOSFODNN7'],
    ['git token ghp_0123456789abcdefghijABCDEFGHIJ012345', 'git token ghp_***', '0123456789abcdef'],
    [
      'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
      'session ***JWT*** ok',
      'dozjgNryP4J3',
    ],
    [
      'connect postgres://app:hunter2@db.internal:5432/main failed',
      'connect postgres://app:***@db.internal:5432/main failed',
      'hunter2',
    ],
    ['login password=s3cr3t! user=bob', 'login password=*** user=bob', 's3cr3t'],
  ])('hides the secret in %j', (line, expected, secretPart) => {
    const out = redactLogLine(line);
    expect(out).toBe(expected);
    expect(out).not.toContain(secretPart);
  });

  it('applies the shared redactor first (a configured token in any line)', () => {
    const redact = makeRedactor(['tok-configured-9876']);
    expect(redactLogLine('echo tok-configured-9876 done', redact)).toBe('echo *** done');
  });

  it('hides secret values inside longer names and OpenAI-like keys, and leaves the author alone', () => {
    const line = 'boot DB_PASSWORD=hunter2hunter2 OPENAI=sk-abcdefghijklmnopqrstuv author=bob';
    const out = redactLogLine(line);
    expect(out).not.toContain('hunter2hunter2');
    expect(out).not.toContain('sk-abcdefghijklmnopqrstuv');
    expect(out).toContain('author=bob');
  });

  it('keeps an ordinary line as it is', () => {
    const line = '2026-11-30T19:00:00Z GET /health 200 in 12ms (user bob, key count 3)';
    expect(redactLogLine(line)).toBe(line);
  });

  it('drops ANSI colours and control characters and bounds the length', () => {
    expect(redactLogLine('\u001b[31mERROR\u001b[0m boom\u0007')).toBe('ERROR boom');
    const long = redactLogLine('x'.repeat(5000));
    expect(long.length).toBe(MAX_LOG_LINE);
    expect(long.endsWith('…')).toBe(true);
  });
});

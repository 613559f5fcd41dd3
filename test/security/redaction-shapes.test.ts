/**
 * Secret shapes that survived the forensics redaction (log lines from a platform on their way into an
 * incident) and the known-secret redactor: each one is masked now, the label kept.
 */
import { describe, expect, it } from '@jest/globals';
import { redactLogLine } from '../../src/util/redact.js';
import { makeRedactor } from '../../src/util/secrets.js';

const PW = 'Hunter2-pa55w0rd';

describe('log lines with a secret no variable of ours holds', () => {
  it.each([
    ['a password in a URL without a user', `connecting to redis://:${PW}@cache.internal:6379/0`],
    ['a password in escaped JSON', `body="{\\"user\\":\\"bob\\",\\"password\\":\\"${PW}\\"}"`],
    ['a URL-encoded password', `POST /login user=bob&password%3D${PW}`],
    ['a cookie', `Cookie: session=${PW}; theme=dark`],
    ['a Set-Cookie', `Set-Cookie: sid=${PW}; HttpOnly`],
    ['an authorization value without a scheme', `Authorization: ${PW}`],
    ['a quoted password with spaces', `password="correct horse ${PW} staple"`],
    [
      'a PEM private key on one line',
      `-----BEGIN RSA PRIVATE KEY----- MIIEow${PW}AAKCAQEA -----END RSA PRIVATE KEY-----`,
    ],
  ])('%s', (_label, line) => {
    const out = redactLogLine(line);
    expect(out).not.toContain(PW);
    expect(out).toContain('***');
  });

  it.each([
    ['a Google API key', 'key in use: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'AIzaSy'],
    [
      'a SendGrid key',
      'key in use: SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg',
      '.abcdefghij',
    ],
    ['a GitLab token', 'key in use: glpat-AbCdEfGhIjKlMnOpQrSt', 'AbCdEfGhIj'],
    [
      'a PEM body line',
      'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
      'MIIEowIBAAKCAQEA',
    ],
  ])('%s', (_label, line, piece) => {
    expect(redactLogLine(line)).not.toContain(piece);
  });

  it('masks the whole quoted value, not only its first word', () => {
    expect(redactLogLine('DB_PASSWORD="two words here" next=1')).toBe('DB_PASSWORD="***" next=1');
  });
});

describe('a known secret in another encoding', () => {
  const KEY = 'rnd_8f3kQ0aZ7yWm2Lx9';
  const redact = makeRedactor([KEY]);

  it('as the base64 of api:KEY (a Basic header) and of any prefix', () => {
    for (const prefix of ['api:', 'x:', ':', 'user-name:']) {
      const header = `Authorization: Basic ${Buffer.from(`${prefix}${KEY}`).toString('base64')}`;
      const out = redact(header);
      // The part of the base64 that encodes the key is gone (what remains can't be decoded back to it).
      expect(Buffer.from(out.split(' ').pop()!.replace(/\*/g, ''), 'base64').toString()).not.toContain(
        KEY.slice(4),
      );
      expect(out).toContain('***');
    }
  });

  it('as hex', () => {
    const hex = Buffer.from(KEY).toString('hex');
    expect(redact(`key=${hex}`)).toBe('key=***');
    expect(redact(`KEY=${hex.toUpperCase()}`)).toBe('KEY=***');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCommand } from '../../src/commands/parse.js';
import { jsonPath } from '../../src/probe/probe.js';
import { codeOf, field, isOneOf, keysOf, ownField } from '../../src/util/fields.js';
import { createSafeFetch } from '../../src/util/net.js';

/** Outside data read without casts: hostile shapes give undefined or a refusal, never a TypeError or a lie. */
describe('reading outside data with guards', () => {
  it('reads a thrown value of any shape', () => {
    expect(codeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    for (const thrown of [null, undefined, 'ENOENT', 42, { code: 7 }, { code: { toString: () => 'E' } }])
      expect(codeOf(thrown)).toBeUndefined();
    expect(field(null, 'cause')).toBeUndefined();
  });

  it('never reads a key inherited from Object.prototype', () => {
    const parsed: unknown = JSON.parse('{"a":1,"__proto__":{"polluted":true}}');
    expect(ownField(parsed, 'polluted')).toBeUndefined();
    expect(ownField(parsed, 'constructor')).toBeUndefined();
    expect(ownField(parsed, 'toString')).toBeUndefined();
    expect(ownField(parsed, 'a')).toBe(1);
    // A health check's JSON path walks own keys only.
    expect(jsonPath(parsed, 'constructor.name').present).toBe(false);
    expect(jsonPath({ checks: { db: 'ok' } }, 'checks.db')).toEqual({ present: true, value: 'ok' });
  });

  it('narrows strings from outside to a known set', () => {
    expect(isOneOf(['normal', 'extreme'], 'extreme')).toBe(true);
    expect(isOneOf(['normal', 'extreme'], 'toString')).toBe(false);
    expect(isOneOf(['normal', 'extreme'], undefined)).toBe(false);
    expect(keysOf({ b: 1, a: 2 })).toEqual(['b', 'a']);
  });

  it('takes no inherited name for a slash command', () => {
    expect(parseCommand('/__proto__ api')).toBeNull(); // not even a verb: it starts with "_"
    for (const verb of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const parsed = parseCommand(`/${verb} api`);
      expect(parsed).toMatchObject({ ok: false });
      expect(parsed && !parsed.ok && parsed.error).toMatch(/is not a command/);
    }
    expect(parseCommand('/mode constructor')).toMatchObject({ ok: false });
    expect(parseCommand('/mode extreme')).toMatchObject({
      ok: true,
      command: { name: 'mode', mode: 'extreme' },
    });
  });
});

describe('the safe fetch sends every header value', () => {
  let server: Server;
  let url: string;
  const seen: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers['x-tag']);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('joins a header given several values, and reads a Headers object', async () => {
    const safeFetch = createSafeFetch();
    await (await safeFetch(url, { headers: { 'x-tag': ['a', 'b'] } })).text();
    await (await safeFetch(url, { headers: new Headers({ 'x-tag': 'c' }) })).text();
    await (await safeFetch(url, { headers: [['x-tag', 'd']] })).text();
    expect(seen).toEqual(['a, b', 'c', 'd']);
  });
});

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIncidentLog } from '../../src/incidents/file.js';
import { coqui } from './fixtures.js';

let dir: string;
const at = Date.UTC(2026, 0, 1, 12);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'incidents-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the local incident log', () => {
  test('one open incident per service, a readable append-only log, resolve closes it', async () => {
    const log = new FileIncidentLog(join(dir, '.uptime', 'incidents.json'), () => at + 92_000);
    const ref = await log.open(coqui, 'down', 'Detected: HTTP 503', at);
    expect(ref).toEqual({ number: 1, openedAt: at, kind: 'down' });
    expect(
      await new FileIncidentLog(join(dir, '.uptime', 'incidents.json')).open(coqui, 'down', 'again', at),
    ).toEqual(ref);
    await log.comment(coqui, ref, 'Restart via Railway: ok');
    await log.resolve(coqui, ref, 'Resolved after 1m 32s');
    expect(await log.findOpen(coqui)).toBeUndefined();
    const text = await readFile(join(dir, '.uptime', 'incidents.md'), 'utf8');
    expect(text).toContain('## #1 · 🔴 Coqui Voice Service is down · opened 2026-01-01 12:00:00 UTC');
    expect(text.indexOf('Restart via Railway')).toBeLessThan(text.indexOf('Resolved after 1m 32s'));
    expect(text).not.toContain('again');
    expect((await log.open(coqui, 'degraded', 'slow', at)).number).toBe(2);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import { FileStateStore } from '../../src/state/file.js';
import type { UptimeState } from '../../src/state/types.js';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uptime-state-'));
  path = join(dir, '.uptime', 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 0, 10);
const store = (options = {}) => new FileStateStore(path, { now: () => NOW, ...options });
const bump = (s: UptimeState) => {
  s.services.api ??= emptyRecord(NOW);
  s.services.api.repairs++;
};

describe('FileStateStore', () => {
  it('reads an empty state when the file does not exist, and creates the directory on first write', async () => {
    expect(await store().read()).toEqual(emptyState());
    const written = await store().update((s) => ({ ...s, mode: 'extreme', modeSetBy: 'octocat' }));
    expect(written).toMatchObject({ version: 1, mode: 'extreme', updatedAt: NOW });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      version: 1,
      mode: 'extreme',
      modeSetBy: 'octocat',
    });
    expect(await store().read()).toMatchObject({ mode: 'extreme' });
  });

  it('accepts a change that mutates in place and returns nothing', async () => {
    await store().update(bump);
    await store().update(bump);
    expect((await store().read()).services.api.repairs).toBe(2);
  });

  it('prunes expired pauses and old history on write', async () => {
    await store().update((s) => {
      s.pauses.api = { at: NOW - 10_000, until: NOW - 1 };
      s.pauses.web = { at: NOW - 10_000, until: NOW + 60_000 };
    });
    expect(Object.keys((await store().read()).pauses)).toEqual(['web']);
  });

  it('resets a corrupt file with a warning naming it, keeps the original beside it, and keeps working', async () => {
    await store().update(bump);
    await writeFile(path, '{"version": 1, "services": {');
    const warnings: string[] = [];
    const s = store({ warn: (m: string) => warnings.push(m) });
    expect((await s.read()).services).toEqual({});
    expect(warnings).toEqual([
      expect.stringMatching(
        /^state: reset \(not JSON: .*the original is kept as .*state\.json\.broken-\d+\.json\)$/,
      ),
    ]);
    expect(await readFile(`${path}.broken-${NOW}.json`, 'utf8')).toBe('{"version": 1, "services": {');
    await s.update(bump);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('resets only the malformed parts of a file (the attacks of issue 9), never a TypeError', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ version: 1, services: { api: {} } }, /services\.api\.health/],
      [
        { version: 1, services: { api: { health: 5 } } },
        /services\.api\.health reset \(expected object, got number\)/,
      ],
      [{ version: 1, services: {}, pauses: null }, /pauses reset \(expected object, got null\)/],
      [{ version: 1, services: {}, unmonitored: {} }, /unmonitored reset \(expected array, got object\)/],
      [
        { version: 1, services: { api: { outages: 5 } } },
        /services\.api\.outages reset \(expected array, got number\)/,
      ],
      [{ version: 2, services: {} }, /version 2; this uptime-action reads version 1/],
    ];
    await store().update(bump);
    for (const [data, expected] of cases) {
      await writeFile(path, JSON.stringify(data));
      const warnings: string[] = [];
      const state = await store({ warn: (m: string) => warnings.push(m) }).read();
      expect(warnings.join('\n')).toMatch(expected);
      expect(state.version).toBe(1);
      expect(Array.isArray(state.unmonitored)).toBe(true);
      expect(typeof state.pauses).toBe('object');
    }
  });

  it('keeps prototype names as plain data: __proto__ dropped, constructor an own record', async () => {
    const text = '{"version":1,"services":{"__proto__":{"repairs":1},"constructor":{"repairs":2}}}';
    await store().update(bump);
    await writeFile(path, text);
    const warnings: string[] = [];
    const state = await store({ warn: (m: string) => warnings.push(m) }).read();
    expect(Object.keys(state.services)).toEqual(['constructor']);
    expect(
      Object.hasOwn(state.services, 'constructor') && state.services['constructor' as string].repairs,
    ).toBe(2);
    expect(Object.getPrototypeOf(state.services)).toBe(Object.prototype);
    expect(warnings.join('\n')).toMatch(/services\.__proto__ dropped/);
  });

  it('fills in collections missing from an older file', async () => {
    await store().update(bump);
    await writeFile(path, JSON.stringify({ version: 1, services: {} }));
    expect(await store().read()).toEqual(emptyState());
  });

  it('leaves the old state readable when a crash left a temp file behind', async () => {
    await store().update(bump);
    // A crash after the temp file was written and before the rename leaves exactly this behind.
    await writeFile(
      join(dir, '.uptime', '.state.json.99999.deadbeef.tmp'),
      '{"version": 1, "services": {"api": {"hea',
    );
    expect((await store().read()).services.api.repairs).toBe(1);
    await store().update(bump);
    expect((await store().read()).services.api.repairs).toBe(2);
  });

  it('keeps the old file intact when the write fails just before the rename, and removes its temp file', async () => {
    await store().update(bump);
    const before = await readFile(path, 'utf8');
    const crashing = store({
      beforeRename: () => {
        throw new Error('simulated crash before rename');
      },
    });
    await expect(crashing.update(bump)).rejects.toThrow('simulated crash before rename');
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await store().read()).services.api.repairs).toBe(1);
    expect((await readdir(join(dir, '.uptime'))).sort()).toEqual(['state.json']);
  });

  it('lets two stores on the same file update concurrently without losing a write (2 × 50 increments)', async () => {
    const a = store();
    const b = store();
    const fifty = async (s: FileStateStore) => {
      for (let i = 0; i < 50; i++) await s.update(bump);
    };
    await Promise.all([fifty(a), fifty(b)]);
    expect((await store().read()).services.api.repairs).toBe(100);
    expect((await readdir(join(dir, '.uptime'))).sort()).toEqual(['state.json']);
  });

  it('lands every update of a burst of 20 at once', async () => {
    const s = store();
    await Promise.all(Array.from({ length: 20 }, () => s.update(bump)));
    expect((await store().read()).services.api.repairs).toBe(20);
  });

  it('breaks a lock left by a crashed process', async () => {
    await store().update(bump);
    await writeFile(`${path}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    await store({ staleLockMs: 1000 }).update(bump);
    expect((await store().read()).services.api.repairs).toBe(2);
  });
});

describe('FileStateStore across processes', () => {
  it('keeps every increment of two processes writing the same file at once', async () => {
    const { execFile } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = fileURLToPath(new URL('./fixtures/increment.ts', import.meta.url));
    const run = () =>
      new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', script, path, '30'],
          { timeout: 30_000 },
          (error, _out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
        ),
      );
    await Promise.all([run(), run()]);
    expect((await store().read()).services.api.repairs).toBe(60);
  });
});

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

  it('refuses a corrupt file with an error naming the file and the fix, and leaves it untouched', async () => {
    await store().update(bump);
    await writeFile(path, '{"version": 1, "services": {');
    const s = store();
    await expect(s.read()).rejects.toThrow(`State file ${path} is corrupt: not JSON`);
    await expect(s.read()).rejects.toThrow(`Move it aside (mv ${path} ${path}.bad)`);
    await expect(s.update(bump)).rejects.toThrow(/is corrupt/);
    expect(await readFile(path, 'utf8')).toBe('{"version": 1, "services": {');
  });

  it('refuses a file of another version or shape', async () => {
    await writeFile(path.replace('state.json', ''), '').catch(() => undefined);
    await store().update(bump);
    await writeFile(path, JSON.stringify({ version: 2, services: {} }));
    await expect(store().read()).rejects.toThrow(/has version 2; this uptime-action reads version 1/);
    await writeFile(path, JSON.stringify({ version: 1, services: [] }));
    await expect(store().read()).rejects.toThrow(/"services" should be an object/);
    await writeFile(path, JSON.stringify({ version: 1, services: { api: { checks: {} } } }));
    await expect(store().read()).rejects.toThrow(/services.api lacks its health or checks/);
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

/**
 * What a writer killed with -9 leaves behind: its `state.json.lock` (taken only for the rename) and its temp
 * file (the size of the state). The next writer on the host breaks a dead process's lock at once, not after
 * the stale-lock timeout, and removes the dead writers' temp files.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../src/state/file.js';

let dir: string;
/** The pid of a process that has exited. */
let deadPid: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uptime-leftovers-'));
  deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('leftovers of a writer killed mid-write', () => {
  it("breaks a dead process's lock at once and removes the orphan temp files", async () => {
    const path = join(dir, 'state.json');
    await writeFile(`${path}.lock`, `${hostname()} ${deadPid}\n`);
    const orphan = join(dir, `.state.json.${deadPid}.0badf00d.tmp`);
    await writeFile(orphan, 'x'.repeat(1024));
    // An hour of stale-lock timeout: only the dead holder can explain the lock being broken.
    const store = new FileStateStore(path, { staleLockMs: 3_600_000, warn: () => undefined });
    const written = await store.update((s) => ({ ...s, mode: 'normal' }));
    expect(written.mode).toBe('normal');
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['state.json']);
  });
});

/**
 * SIGKILL of the CLI's `watch` at random points while it writes a 4 MB state file, ten times: the file is
 * always the old or the new state (it parses, nothing reset), the next run carries on, and no lock or temp
 * file is left behind once it has written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import { parseStateText } from '../../src/state/schema.js';
import { buildCli, runBuilt } from '../cli/built.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { compileCache } from '../helpers/bundles.js';

let built: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...compileCache() };

beforeAll(async () => {
  built = await buildCli();
  dir = await mkdtemp(join(tmpdir(), 'uptime-kill-'));
  const api = await startTestServer({ kind: 'up' });
  await mkdir(join(dir, '.github'));
  await writeFile(
    join(dir, '.github', 'uptime.yml'),
    `healthCheckInterval: 1s\nservices:\n  api:\n    url: ${api.url}\n`,
  );
  // About 4 MB: outages of the last days, each with a long reason, so a write takes a while.
  const now = Date.now();
  const outages = Array.from({ length: 8000 }, (_, i) => ({
    start: now - 80 * 86_400_000 + i * 60_000,
    end: now - 80 * 86_400_000 + i * 60_000 + 30_000,
    reason: `HTTP 503 (sample ${i}) ${'x'.repeat(450)}`,
  }));
  await mkdir(join(dir, '.uptime'));
  await writeFile(
    join(dir, '.uptime', 'state.json'),
    JSON.stringify({ ...emptyState(), services: { api: { ...emptyRecord(now - 1000), outages } } }),
  );
}, 60_000);

afterAll(async () => {
  await closeAllTestServers();
  await built?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of state writes', () => {
  it('never leaves a torn state file, and the next run cleans up and carries on', async () => {
    const state = join(dir, '.uptime', 'state.json');
    for (let round = 0; round < 10; round++) {
      const child = spawn(process.execPath, [built.cli, 'watch', '--duration', '30s'], {
        cwd: dir,
        env,
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // A random point: the first writes happen within the first second or two.
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 1500)));
      child.kill('SIGKILL');
      await exited;
      const { problems, state: parsed } = parseStateText(await readFile(state, 'utf8'));
      expect(problems).toEqual([]);
      expect(parsed.services.api.outages.length).toBe(8000);
    }
    const next = await runBuilt(built.cli, ['sweep'], { cwd: dir, env, timeoutMs: 30_000 });
    expect(next.code).toBe(0);
    expect(
      (await readdir(join(dir, '.uptime'))).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')),
    ).toEqual([]);
  }, 90_000);
});

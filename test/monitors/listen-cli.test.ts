import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseListen } from '../../cli/listen.js';
import { runCli } from '../cli/run.js';

/** `watch --listen` refuses what it cannot serve safely, with exit 2 and the fix. */

let dir: string;
let config: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-listen-'));
  config = join(dir, 'uptime.yml');
  writeFileSync(
    config,
    'services:\n  nightly:\n    type: heartbeat\n    every: 1h\n    token: ${NIGHTLY_PING_TOKEN}\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { NIGHTLY_PING_TOKEN: 'n'.repeat(24) };

describe('watch --listen', () => {
  it('reads a port, host:port and [v6]:port', () => {
    expect(parseListen('8787')).toEqual({ host: undefined, port: 8787 });
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
  });

  it('a bad address or a short UPTIME_EVENTS_KEY is a usage error (exit 2) naming the fix', async () => {
    const bad = await runCli(['watch', '--config', config, '--listen', 'http://x', '-d', '1s'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--listen "http:\/\/x" is not a port or host:port; use e\.g\. 8787/);
    const short = await runCli(['watch', '--config', config, '--listen', '127.0.0.1:0', '-d', '1s'], {
      env: { ...env, UPTIME_EVENTS_KEY: 'short' },
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/UPTIME_EVENTS_KEY must be at least 24/);
    expect(short.stderr).not.toContain('short"');
  });

  it('without --listen, watch says its heartbeats are not checked', async () => {
    const run = await runCli(['watch', '--config', config, '-d', '1s', '--state', join(dir, 's.json')], {
      env,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/nightly: heartbeat\(s\) not checked without --listen/);
  });
});

// jest.config.mjs `globalSetup`: names the folder where this run's bundles are built once
// (test/helpers/bundles.ts). Jest's workers start after this and inherit the variable.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup() {
  process.env.UPTIME_TEST_BUNDLES = mkdtempSync(join(tmpdir(), 'uptime-test-bundles-'));
}

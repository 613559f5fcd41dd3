// jest.config.mjs `globalTeardown`: removes the run's shared bundles (test/global-setup.mjs).
import { rmSync } from 'node:fs';

export default function globalTeardown() {
  const dir = process.env.UPTIME_TEST_BUNDLES;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

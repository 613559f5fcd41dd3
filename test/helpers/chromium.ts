import { describe } from '@jest/globals';
import { existsSync } from 'node:fs';

/** Where the browser tests find Chromium (Debian's package by default). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const INSTALL = 'Install it: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).';

/**
 * `describe` for a suite that needs Chromium. Without the browser, a local run skips the suite with a
 * warning; under `CI=true` it fails, so CI can never pass by not running the browser tests.
 */
export function chromiumDescribe(
  env: NodeJS.ProcessEnv = process.env,
): typeof describe | typeof describe.skip {
  const path = env.CHROMIUM_PATH ?? CHROMIUM;
  if (existsSync(path)) return describe;
  if (env.CI === 'true' || env.CI === '1') {
    throw new Error(
      `The browser tests need Chromium and CI=true is set, but ${path} does not exist. ${INSTALL}`,
    );
  }
  console.warn(`Skipping the browser test: no Chromium at ${path}. ${INSTALL}`);
  return describe.skip;
}

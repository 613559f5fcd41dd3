export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The benchmark's smoke runs (whole sections on real processes and the wall clock, ~1 min together) stay out
  // of `npm test`: `npm run test:bench` runs them. Tests of the benchmark's logic (test/bench/*.test.ts) stay in.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/bench/smoke/'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // The bundles (scripts/build.mjs) are built once per run, by the first test file that needs them, into the
  // folder these name and remove (test/helpers/bundles.ts).
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // esbuild strips the types (scripts/jest-transform.mjs); `npx tsc --noEmit` checks them.
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-transform.mjs' },
  testTimeout: 20000,
  // One more worker than this 2-core machine has cores: a quarter of the suite's time is spent waiting (on real
  // processes, servers, Chromium, Redis), so with two workers the cores sat idle for a quarter of the run
  // (220 s, user+sys 328 s); with three, 178 s. Every timing a test depends on is its own subject or injected.
  maxWorkers: 3,
};

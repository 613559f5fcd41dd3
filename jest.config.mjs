export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Heavy benchmark runs (real processes on the wall clock) stay out of `npm test`: `npm run test:bench`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/bench/chaos\\.test\\.ts$'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 20000,
};

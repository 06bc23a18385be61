// Integration and end-to-end suites (`*.integration-spec.ts`, `*.e2e-spec.ts`) against the real
// infrastructure. The environment is started once per run by libs/testing's global setup (or taken
// from KAFKA_BROKERS / MONGODB_URI / AWS_ENDPOINT_URL when they are set); suites isolate themselves
// with unique database and topic names.
const preset = require('./jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'integration',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
  // The reliability suites stop the broker and the store: they have their own run (jest.reliability.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/system-e2e/src/reliability/'],
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
  testTimeout: 120_000,
};

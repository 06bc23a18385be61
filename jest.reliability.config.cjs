// Reliability suites (apps/system-e2e/src/reliability): real processes killed, the broker and the store
// stopped and restarted, S3 bodies cut and stalled through a fault proxy, poison messages and hostile
// files. They stop parts of the infrastructure, so run them on infrastructure of their own (other ports,
// S3C_INFRA_DIR) and never at the same time as the integration run: `npm run test:reliability`.
const preset = require('./jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'reliability',
  rootDir: __dirname,
  roots: ['<rootDir>/apps/system-e2e/src/reliability'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
  testTimeout: 600_000,
};

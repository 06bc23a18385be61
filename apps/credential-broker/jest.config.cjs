module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'credential-broker',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'connections',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

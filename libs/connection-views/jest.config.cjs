module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'connection-views',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

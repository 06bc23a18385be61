module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'parsing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

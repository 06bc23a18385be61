module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'dataset-import',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

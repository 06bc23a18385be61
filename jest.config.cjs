// Unit tests of every project (`*.spec.ts`), in one Jest run.
const fs = require('node:fs');
const path = require('node:path');

const projectConfigs = ['apps', 'libs'].flatMap((folder) =>
  fs
    .readdirSync(path.join(__dirname, folder))
    .map((name) => path.join(folder, name, 'jest.config.cjs'))
    .filter((config) => fs.existsSync(path.join(__dirname, config))),
);

module.exports = { projects: projectConfigs.map((config) => `<rootDir>/${config}`) };

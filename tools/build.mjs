#!/usr/bin/env node
// Builds every app and lib into dist/ with tsc (decorator metadata needs tsc, not esbuild), then lets
// the compiled `require('@s3c/<lib>')` calls find the compiled libs: dist/node_modules/@s3c/<lib>
// forwards to dist/libs/<lib>/src. Node looks there first from any file under dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.exit(tsc.status ?? 1);
}
for (const lib of readdirSync(path.join(ROOT, 'libs'))) {
  const manifest = path.join(ROOT, 'libs', lib, 'package.json');
  const compiled = path.join(ROOT, 'dist/libs', lib, 'src/index.js');
  if (!existsSync(manifest) || !existsSync(compiled)) {
    continue;
  }
  const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
  const forwarder = path.join(ROOT, 'dist/node_modules', name);
  mkdirSync(forwarder, { recursive: true });
  writeFileSync(path.join(forwarder, 'index.js'), `module.exports = require(${JSON.stringify(path.relative(forwarder, compiled))});\n`);
}

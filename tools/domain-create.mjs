#!/usr/bin/env node
// `npm run domain:create -- <domain>`: creates the domain if needed and prints a new API key as the
// last line. Needs the infrastructure up (`npm start` or `npm run infra -- up`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { appEnvironment, build, ensureDependencies, ROOT } from './lib/workspace.mjs';

ensureDependencies();
build();
const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/connections/src/domain-create.js'), ...process.argv.slice(2)], {
  cwd: ROOT,
  env: appEnvironment(),
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

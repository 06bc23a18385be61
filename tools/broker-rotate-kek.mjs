#!/usr/bin/env node
// `npm run broker:rotate-kek -- [--reencrypt-only] [--from-local]`: rotates the credential broker's
// key-encryption key and re-encrypts every stored secret; the last line says
// `re-encrypted N, already current M`. Needs the infrastructure up (`npm start` or `npm run infra -- up`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { appEnvironment, build, ensureDependencies, ROOT } from './lib/workspace.mjs';

ensureDependencies();
build();
const result = spawnSync(
  process.execPath,
  [path.join(ROOT, 'dist/apps/credential-broker/src/rotate-kek.js'), ...process.argv.slice(2)],
  {
    cwd: ROOT,
    env: appEnvironment(),
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);

// What the repository's commands share: running a step, installing npm dependencies when the lock
// changed, building, and the environment the apps run with.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const infra = createRequire(import.meta.url)('../infra/index.js');

export const log = (line) => process.stderr.write(`[run] ${line}\n`);

export function run(command, args, options = {}) {
  const started = Date.now();
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error) {
    log(`${command} could not run: ${result.error.message}`);
    return { ok: false, seconds };
  }
  return { ok: result.status === 0, seconds };
}

/** `npm ci` when node_modules is missing or was installed from another package-lock.json. */
export function ensureDependencies() {
  const lock = readFileSync(path.join(ROOT, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const marker = path.join(ROOT, 'node_modules', '.s3c-lock-digest');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) {
    return;
  }
  const { ok } = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (!ok) {
    throw new Error('npm ci failed (see above)');
  }
  writeFileSync(marker, digest);
}

export function build() {
  if (!run(process.execPath, ['tools/build.mjs']).ok) {
    throw new Error('The build failed (see the TypeScript errors above)');
  }
}

/**
 * Node flags of the app processes. V8 grows the heap lazily while an import allocates batch after batch
 * (peak RSS 266 MB on a 20 MiB import); capped, the same import peaks at 165 MB and runs as fast
 * (docs/performance.md). libs/testing's AppProcess and the Dockerfile set the same value.
 */
export const APP_NODE_OPTIONS = '--max-old-space-size=128';

/** The environment an app process is started with: the apps' environment plus their Node flags. */
export function appProcessEnvironment() {
  const env = appEnvironment();
  return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, APP_NODE_OPTIONS].filter(Boolean).join(' ') };
}

/**
 * The apps' environment on the embedded defaults: the infrastructure's endpoints and credentials from
 * .infra/env, and the local AWS server allowed through the egress guard (it listens on loopback over http).
 */
export function appEnvironment() {
  const env = { ...infra.readEnvFile(), ...process.env };
  const awsHost = env.AWS_ENDPOINT_URL ? new URL(env.AWS_ENDPOINT_URL).host : undefined;
  if (awsHost) {
    env.EGRESS_ALLOW_LIST ??= awsHost;
    env.EGRESS_ALLOW_HTTP ??= awsHost;
  }
  return env;
}

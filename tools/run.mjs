#!/usr/bin/env node
// The two commands of the README: `npm start` (infrastructure + the three apps, until Ctrl-C) and
// `npm test` (infrastructure + every check and test suite, then stop what was started). Both install
// what is missing first, so they work on a fresh machine.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appEnvironment, appProcessEnvironment, build, ensureDependencies, infra, log, ROOT, run } from './lib/workspace.mjs';

const APPS = [
  { name: 'connections', portVariable: 'CONNECTIONS_HTTP_PORT', port: 3000, what: 'REST API, docs at /api/docs' },
  { name: 'dataset-import', portVariable: 'DATASET_IMPORT_HTTP_PORT', port: 3001, what: 'REST API, docs at /api/docs' },
  { name: 'credential-broker', portVariable: 'CREDENTIAL_BROKER_HEALTH_PORT', port: 3002, what: 'health only (Kafka service)' },
];

// No Nx daemon or cloud on CI machines: one-shot commands compute the project graph themselves.
process.env.NX_DAEMON ??= 'false';
process.env.NX_NO_CLOUD ??= 'true';
// The pinned AWS SDK supports Node 20; its notice about future releases is not for our logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
function portOf(app, env) {
  return Number(env[app.portVariable] ?? app.port);
}

async function waitReady(app, env, child, timeoutMs = 90_000) {
  const url = `http://127.0.0.1:${portOf(app, env)}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${app.name} exited with code ${child.exitCode} while starting`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`${app.name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}

async function stopChildren(children) {
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          child.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function start() {
  ensureDependencies();
  build();
  const { started } = await infra.up({ log });
  const env = appProcessEnvironment();
  const children = APPS.map((app) => ({
    app,
    child: spawn(process.execPath, [path.join(ROOT, 'dist/apps', app.name, 'src/main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  }));
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log('stopping the apps...');
    await stopChildren(children);
    if (started.length > 0) {
      log(`stopping the infrastructure this command started (${started.join(', ')})...`);
      await infra.down({ parts: started, log });
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const { app, child } of children) {
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${app.name} stopped unexpectedly (code ${code}, signal ${signal})`);
        void stopAll(1);
      }
    });
  }
  try {
    await Promise.all(children.map(({ app, child }) => waitReady(app, env, child)));
  } catch (error) {
    log(error.message);
    await stopAll(1);
    return;
  }
  const lines = [
    '',
    'S3 connector is running:',
    ...APPS.map((app) => `  ${app.name.padEnd(18)} http://127.0.0.1:${portOf(app, env)}  (${app.what}; /health/live, /health/ready)`),
    `  ${'Kafka'.padEnd(18)} ${env.KAFKA_BROKERS}`,
    `  ${'MongoDB wire'.padEnd(18)} ${env.MONGODB_URI}`,
    `  ${'local AWS'.padEnd(18)} ${env.AWS_ENDPOINT_URL}  (admin credentials in ${path.relative(ROOT, infra.config().envFile)})`,
    '',
    'Create an API key: npm run domain:create -- <domain>      Stop: Ctrl-C',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** docker-compose.yml is validated offline by Debian's docker-compose (`config` needs no engine). */
function ensureDockerCompose() {
  if (spawnSync('docker-compose', ['--version'], { stdio: 'ignore' }).status === 0) {
    return { ok: true, seconds: '0.0' };
  }
  if (process.getuid?.() !== 0) {
    log('docker-compose is missing: install it (Debian: apt-get install docker-compose) to validate docker-compose.yml');
    return { ok: false, seconds: '0.0' };
  }
  return run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'docker-compose', 'python3-yaml'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Runs the steps, the last ones against the infrastructure, stops what was started and prints a summary. */
async function runSteps(checks, suites) {
  const results = [];
  const step = (name, fn) => {
    const outcome = fn();
    results.push({ name, ...outcome });
    return outcome.ok;
  };
  ensureDependencies();
  for (const [name, fn] of checks) step(name, fn);
  let started = [];
  try {
    ({ started } = await infra.up({ log }));
    for (const [name, fn] of suites) step(name, fn);
  } catch (error) {
    log(`infrastructure: ${error.message}`);
    results.push({ name: 'infrastructure', ok: false, seconds: '-' });
  } finally {
    if (started.length > 0) {
      await infra.down({ parts: started, log });
    }
  }
  process.stderr.write('\n[run] summary\n');
  for (const { name, ok, seconds } of results) {
    process.stderr.write(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(34)} ${seconds} s\n`);
  }
  process.exit(results.every(({ ok }) => ok) ? 0 : 1);
}

const buildStep = ['build', () => run(process.execPath, ['tools/build.mjs'])];
const jestSuites = (name, config) => [name, () => run('npx', ['jest', '-c', config, '--ci', '--runInBand'], { env: appEnvironment() })];

function test() {
  return runSteps(
    [
      ['typecheck', () => run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])],
      // The module-boundary rule reads Nx's project graph, which `nx show projects` computes and caches.
      [
        'lint',
        () => {
          const graph = run('npx', ['nx', 'show', 'projects'], { stdio: ['ignore', 'ignore', 'inherit'] });
          return graph.ok ? run('npx', ['eslint', '.', '--max-warnings=0']) : graph;
        },
      ],
      buildStep,
      ['docker-compose (for the compose check)', ensureDockerCompose],
      ['unit tests', () => run('npx', ['jest', '-c', 'jest.config.cjs', '--ci'])],
    ],
    [jestSuites('integration and end-to-end tests', 'jest.integration.config.cjs')],
  );
}

/** The fault and hostile-input suites: they stop and restart the broker and the store on purpose. */
function testReliability() {
  return runSteps([buildStep], [jestSuites('reliability suites', 'jest.reliability.config.cjs')]);
}

const command = process.argv[2];
const commands = { start, test, 'test:reliability': testReliability };
if (!commands[command]) {
  process.stderr.write('usage: node tools/run.mjs <start|test|test:reliability>\n');
  process.exit(2);
}
commands[command]().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});

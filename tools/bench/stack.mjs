// The connector's three apps as processes for benchmarks, on the running infrastructure, with
// databases of their own; and the admin calls a benchmark needs (domain key, connection, dataset).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appProcessEnvironment, ROOT } from '../lib/workspace.mjs';

const PORT_VARIABLES = {
  connections: 'CONNECTIONS_HTTP_PORT',
  'dataset-import': 'DATASET_IMPORT_HTTP_PORT',
  'credential-broker': 'CREDENTIAL_BROKER_HEALTH_PORT',
};

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startStack(extraEnv = {}, importerNodeArgs = []) {
  const run = `bench_${Date.now().toString(36)}`;
  const env = {
    ...appProcessEnvironment(),
    LOG_LEVEL: 'warn',
    CONNECTIONS_DATABASE: `${run}_connections`,
    CREDENTIAL_BROKER_DATABASE: `${run}_credentials`,
    DATASET_IMPORT_DATABASE: `${run}_datasets`,
    CREDENTIAL_BROKER_GROUP_ID: `${run}-broker`,
    DATASET_IMPORT_GROUP_ID: `${run}-import`,
    CREDENTIAL_BROKER_KEY_DIR: mkdtempSync(path.join(os.tmpdir(), 's3c-bench-keys-')),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extraEnv,
  };
  const apps = {};
  for (const name of Object.keys(PORT_VARIABLES)) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        ...(name === 'dataset-import' ? importerNodeArgs : []),
        path.join(ROOT, 'dist/apps', name, 'src/main.js'),
      ],
      {
        cwd: ROOT,
        env: { ...env, [PORT_VARIABLES[name]]: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    apps[name] = { child, url: `http://127.0.0.1:${port}` };
  }
  for (const [name, app] of Object.entries(apps)) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        if ((await fetch(`${app.url}/health/ready`)).ok) break;
      } catch {
        // starting
      }
      if (attempt > 240 || app.child.exitCode !== null) {
        // The others would outlive the benchmark and answer the next stack's requests on the shared
        // topics (a broker of another run replying CREDENTIALS_REQUIRED to its signing requests).
        for (const other of Object.values(apps)) other.child.kill('SIGKILL');
        throw new Error(
          `${name} did not become ready${app.child.exitCode !== null ? ` (exited with ${app.child.exitCode})` : ''}`,
        );
      }
      await sleep(250);
    }
  }
  const key = execFileSync(
    process.execPath,
    [path.join(ROOT, 'dist/apps/connections/src/domain-create.js'), 'bench'],
    { cwd: ROOT, env, encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .at(-1);
  const call = async (app, method, route, body) => {
    const response = await fetch(`${apps[app].url}${route}`, {
      method,
      headers: { authorization: `Apikey ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    env,
    apps,
    call,
    run,
    async stop() {
      await Promise.all(
        Object.values(apps).map(
          ({ child }) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
        ),
      );
      await dropDatabases(env.MONGODB_URI, [
        env.CONNECTIONS_DATABASE,
        env.CREDENTIAL_BROKER_DATABASE,
        env.DATASET_IMPORT_DATABASE,
      ]);
      rmSync(env.CREDENTIAL_BROKER_KEY_DIR, { recursive: true, force: true });
    },
  };
}

/** FerretDB's files grow with every imported copy: a benchmark drops what it created. */
export async function dropDatabases(uri, names) {
  const { MongoClient } = createRequire(import.meta.url)('mongoose').mongo;
  const client = await MongoClient.connect(uri);
  try {
    for (const name of names) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Resident memory of a process now and at its peak (Linux /proc), in bytes. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

export async function waitForImport(stack, datasetId, importId) {
  for (;;) {
    const state = await stack.call(
      'dataset-import',
      'GET',
      `/api/v1/datasets/${datasetId}/imports/${importId}`,
    );
    if (['succeeded', 'failed', 'unchanged'].includes(state.status)) return state;
    // The import's time comes from its own timestamps; polling faster would only take CPU from it
    // (at 50 ms the REST answers took ~6 % of the importer's busy time).
    await sleep(250);
  }
}

#!/usr/bin/env node
// `node tools/load/run.mjs [--seconds 60] [--rate 20] [--previews 2] [--imports 2] [--rows 2000] [--no-setup] [--json]`:
// a bounded load run on loopback. REST reads at a steady rate, concurrent previews and imports for a fixed
// time, then a drain until every import requested has ended. Prints p50/p99 latencies and error counts per
// kind; exits 1 on any 5xx, transport failure or lost import (one that never ended). Not a test of speed:
// the figures are for reading. `--no-setup` skips npm ci, build and infrastructure start (the caller has
// them running and the environment set, as the e2e suite does); `--json` also prints `LOAD_RESULT <json>`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appEnvironment, build, ensureDependencies, infra, log, ROOT } from '../lib/workspace.mjs';
import { startStack } from '../bench/stack.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const require = createRequire(import.meta.url);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

const settings = {
  seconds: Number(option('seconds', '60')),
  rate: Number(option('rate', '20')),
  previews: Number(option('previews', '2')),
  imports: Number(option('imports', '2')),
  rows: Number(option('rows', '2000')),
};
const DRAIN_MS = 120_000;
const TERMINAL = new Set(['succeeded', 'failed', 'unchanged']);

function csv(rows) {
  const lines = ['id;commune;population;date;surface'];
  for (let index = 0; index < rows; index += 1) {
    lines.push(
      `${index};Commune ${index};${1000 + index};2024-01-${String((index % 28) + 1).padStart(2, '0')};${(index * 1.5).toFixed(1)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Latencies and outcomes of one kind of call. */
class Tally {
  constructor() {
    this.latencies = [];
    this.statuses = new Map();
    this.failures = 0;
  }

  record(status, ms) {
    this.latencies.push(ms);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  summary() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    let errors = 0;
    let serverErrors = 0;
    for (const [status, count] of this.statuses) {
      if (status >= 400) errors += count;
      if (status >= 500) serverErrors += count;
    }
    return {
      requests: this.latencies.length + this.failures,
      errors: errors + this.failures,
      serverErrors,
      transportFailures: this.failures,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
      statuses: Object.fromEntries(this.statuses),
    };
  }
}

async function main() {
  if (!flag('no-setup')) {
    ensureDependencies();
    build();
    await infra.up({ log });
  }
  const env = appEnvironment();
  const { S3Client, PutObjectCommand, CreateBucketCommand } = require('@aws-sdk/client-s3');
  const {
    IAMClient,
    CreateUserCommand,
    PutUserPolicyCommand,
    CreateAccessKeyCommand,
  } = require('@aws-sdk/client-iam');
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const common = { endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials };
  const s3 = new S3Client({
    ...common,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const iam = new IAMClient(common);
  const run = `load-${Date.now().toString(36)}`;
  const bucket = run;
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: env.AWS_REGION },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'communes.csv', Body: csv(settings.rows) }));
  await iam.send(new CreateUserCommand({ UserName: run }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: run,
      PolicyName: 'read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: run }));

  const stack = await startStack({ LOG_LEVEL: 'warn' });
  const tallies = {
    rest: new Tally(),
    preview: new Tally(),
    'import request': new Tally(),
    'import end to end': new Tally(),
  };
  const imports = new Map();
  try {
    const key = execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist/apps/connections/src/domain-create.js'), run],
      { cwd: ROOT, env: stack.env, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .at(-1);
    const call = async (app, method, route, body, tally) => {
      const started = performance.now();
      try {
        const response = await fetch(`${stack.apps[app].url}${route}`, {
          method,
          headers: {
            authorization: `Apikey ${key}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(60_000),
        });
        const json = await response.json().catch(() => ({}));
        tally?.record(response.status, performance.now() - started);
        return { status: response.status, body: json };
      } catch (error) {
        if (tally) tally.failures += 1;
        return { status: 0, body: { error: { code: 'TRANSPORT', message: String(error) } } };
      }
    };
    const until = async (what, probe) => {
      for (let attempt = 0; attempt < 300; attempt += 1) {
        if (await probe()) return;
        await sleep(200);
      }
      throw new Error(`Timed out waiting for ${what}`);
    };
    await until(
      'the importer to know the API key',
      async () => (await call('dataset-import', 'GET', '/api/v1/datasets/none')).status !== 401,
    );
    const connection = await call('connections', 'POST', '/api/v1/connections', {
      title: 'load',
      type: 's3',
      auth: {
        method: 'sigv4',
        url: `${env.AWS_ENDPOINT_URL}/${bucket}/`,
        region: env.AWS_REGION,
        access_key: AccessKey.AccessKeyId,
        secret_access_key: AccessKey.SecretAccessKey,
      },
    });
    if (connection.body.status !== 'valid')
      throw new Error(`The load connection is not valid: ${JSON.stringify(connection.body)}`);
    const connectionId = connection.body.id;
    await until(
      'the importer to know the connection',
      async () =>
        (
          await call('dataset-import', 'POST', '/api/v1/sources/preview', {
            connection_id: connectionId,
            location: 'communes.csv',
          })
        ).status === 200,
    );
    const seed = await call('dataset-import', 'POST', '/api/v1/datasets', {
      title: 'load seed',
      dataset_id: `${run}-seed`,
      source: { connection_id: connectionId, location: 'communes.csv' },
    });
    const seedDataset = seed.body.dataset_id;
    imports.set(seed.body.import.import_id, {
      datasetId: seedDataset,
      requestedAt: performance.now(),
      status: seed.body.import.status,
    });

    log(
      `load: ${settings.seconds} s, ${settings.rate} REST req/s, ${settings.previews} preview loop(s), ${settings.imports} import loop(s), ${settings.rows} rows per file`,
    );
    const deadline = performance.now() + settings.seconds * 1000;
    const inFlight = new Set();
    const track = (promise) => {
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
    };

    // Open loop: a request every 1/rate s whatever the answers' speed (bounded outstanding, counted as sent).
    const restRoutes = [
      ['connections', 'GET', '/api/v1/connections?limit=20'],
      ['connections', 'GET', `/api/v1/connections/${connectionId}`],
      ['dataset-import', 'GET', `/api/v1/datasets/${seedDataset}`],
      ['dataset-import', 'GET', `/api/v1/datasets/${seedDataset}/records?limit=20`],
    ];
    const rest = (async () => {
      for (let sent = 0; performance.now() < deadline; sent += 1) {
        const [app, method, route] = restRoutes[sent % restRoutes.length];
        if (inFlight.size < 500) track(call(app, method, route, undefined, tallies.rest));
        await sleep(1000 / settings.rate);
      }
    })();
    const previewLoops = Array.from({ length: settings.previews }, async () => {
      while (performance.now() < deadline) {
        await call(
          'dataset-import',
          'POST',
          '/api/v1/sources/preview',
          { connection_id: connectionId, location: 'communes.csv' },
          tallies.preview,
        );
      }
    });
    const importLoops = Array.from({ length: settings.imports }, async (_unused, loop) => {
      const created = await call(
        'dataset-import',
        'POST',
        '/api/v1/datasets',
        {
          title: `load ${loop}`,
          dataset_id: `${run}-${loop}`,
          source: { connection_id: connectionId, location: 'communes.csv' },
        },
        tallies['import request'],
      );
      if (created.status !== 201) return;
      const datasetId = created.body.dataset_id;
      let current = { id: created.body.import.import_id, requestedAt: performance.now() };
      imports.set(current.id, {
        datasetId,
        requestedAt: current.requestedAt,
        status: created.body.import.status,
      });
      while (performance.now() < deadline) {
        const state = await call(
          'dataset-import',
          'GET',
          `/api/v1/datasets/${datasetId}/imports/${current.id}`,
        );
        if (state.status === 200) imports.get(current.id).status = state.body.status;
        if (!TERMINAL.has(state.body.status)) {
          await sleep(200);
          continue;
        }
        tallies['import end to end'].record(200, performance.now() - imports.get(current.id).requestedAt);
        const requested = await call(
          'dataset-import',
          'POST',
          `/api/v1/datasets/${datasetId}/imports`,
          { force: true },
          tallies['import request'],
        );
        if (requested.status !== 202) continue;
        current = { id: requested.body.import_id, requestedAt: performance.now() };
        imports.set(current.id, {
          datasetId,
          requestedAt: current.requestedAt,
          status: requested.body.status,
        });
      }
    });
    await Promise.all([rest, ...previewLoops, ...importLoops]);
    await Promise.all(inFlight);

    // Drain: every import requested must end, in any state; one that never does is lost.
    const drainUntil = performance.now() + DRAIN_MS;
    for (const [importId, entry] of imports) {
      while (!TERMINAL.has(entry.status) && performance.now() < drainUntil) {
        const state = await call(
          'dataset-import',
          'GET',
          `/api/v1/datasets/${entry.datasetId}/imports/${importId}`,
        );
        if (state.status === 200) entry.status = state.body.status;
        if (!TERMINAL.has(entry.status)) await sleep(250);
      }
    }
  } finally {
    await stack.stop();
  }

  const kinds = Object.fromEntries(Object.entries(tallies).map(([kind, tally]) => [kind, tally.summary()]));
  const byStatus = (status) => [...imports.values()].filter((entry) => entry.status === status).length;
  const importCounts = {
    requested: imports.size,
    succeeded: byStatus('succeeded'),
    unchanged: byStatus('unchanged'),
    failed: byStatus('failed'),
    lost: [...imports.values()].filter((entry) => !TERMINAL.has(entry.status)).length,
  };
  const serverErrors = Object.values(kinds).reduce(
    (sum, kind) => sum + kind.serverErrors + kind.transportFailures,
    0,
  );
  const ok = serverErrors === 0 && importCounts.lost === 0;
  const lines = [
    `S3 connector load run — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${settings.seconds} s at ${settings.rate} REST req/s, ${settings.previews} preview and ${settings.imports} import loop(s), ${settings.rows} rows per file`,
    '',
    '| kind | requests | errors (4xx/5xx/transport) | 5xx + transport | p50 (ms) | p99 (ms) | max (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(kinds).map(
      ([kind, k]) =>
        `| ${kind} | ${k.requests} | ${k.errors} | ${k.serverErrors + k.transportFailures} | ${k.p50.toFixed(0)} | ${k.p99.toFixed(0)} | ${k.max.toFixed(0)} |`,
    ),
    '',
    `Imports: ${importCounts.requested} requested, ${importCounts.succeeded} succeeded, ${importCounts.unchanged} unchanged, ${importCounts.failed} failed, ${importCounts.lost} lost.`,
    ok
      ? 'PASS: no 5xx, no transport failure, no lost import.'
      : `FAIL: ${serverErrors} 5xx/transport failure(s), ${importCounts.lost} lost import(s).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flag('json')) {
    process.stdout.write(`LOAD_RESULT ${JSON.stringify({ settings, kinds, imports: importCounts, ok })}\n`);
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(2);
});

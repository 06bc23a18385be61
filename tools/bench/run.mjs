#!/usr/bin/env node
// `npm run bench [-- --sizes 1MiB,100MiB,1GiB --runs 1]`: the connector's figures on generated open-data
// CSV files in the local S3: preview time and bytes read, import throughput through the REST API until
// `succeeded`, and the importer's peak RSS. Not a test: it prints figures. See docs/performance.md.
import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build, ensureDependencies, infra, log, ROOT } from '../lib/workspace.mjs';
import { openDataCsv } from './open-data-csv.mjs';
import { memoryOf, startStack, waitForImport } from './stack.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const require = createRequire(import.meta.url);
const UNITS = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)(KiB|MiB|GiB)$/.exec(text.trim());
  if (!match) throw new Error(`Size "${text}" must look like 1MiB, 100MiB or 1GiB`);
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / 1024 ** 2).toFixed(1);

async function main() {
  ensureDependencies();
  build();
  await infra.up({ log });
  const env = infra.readEnvFile();
  const { S3Client, HeadObjectCommand, PutObjectCommand, CreateBucketCommand } = require('@aws-sdk/client-s3');
  const { IAMClient, CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand } = require('@aws-sdk/client-iam');
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const common = { endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials };
  const s3 = new S3Client({ ...common, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const iam = new IAMClient(common);
  const bucket = 's3c-bench';
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: env.AWS_REGION } })).catch(() => undefined);
  const userName = `bench-reader-${Date.now()}`;
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }] }) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));

  const sizes = option('sizes', '1MiB,100MiB,1GiB').split(',').map(parseSize);
  const runs = Number(option('runs', '1'));
  const cache = path.join(process.env.S3C_CACHE_DIR ?? path.join(os.homedir(), '.cache/s3-connector'), 'bench');
  const results = [];
  for (const bytes of sizes) {
    const data = await openDataCsv(cache, bytes);
    const key = path.basename(data.file);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    if (head?.ContentLength !== data.size) {
      log(`uploading ${key} (${mb(data.size)} MiB) to the local S3...`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(data.file), ContentLength: statSync(data.file).size }));
    }
    const measured = [];
    for (let run = 0; run < runs; run += 1) {
      // A fresh importer per run: its peak RSS is this file's alone.
      const stack = await startStack();
      try {
        const connection = await stack.call('connections', 'POST', '/api/v1/connections', {
          title: 'bench',
          type: 's3',
          auth: { method: 'sigv4', url: `${env.AWS_ENDPOINT_URL}/${bucket}/${key}`, region: env.AWS_REGION, access_key: AccessKey.AccessKeyId, secret_access_key: AccessKey.SecretAccessKey },
        });
        let preview;
        for (let attempt = 0; !preview; attempt += 1) {
          const started = performance.now();
          preview = await stack.call('dataset-import', 'POST', '/api/v1/sources/preview', { connection_id: connection.id }).catch((error) => {
            // The importer learns keys and connections from events: give it a moment.
            if (attempt > 100 || !/CONNECTION_NOT_FOUND|UNAUTHORIZED/.test(String(error.message))) throw error;
            return undefined;
          });
          if (preview) preview.ms = performance.now() - started;
          else await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const importerPid = stack.apps['dataset-import'].child.pid;
        const started = performance.now();
        const created = await stack.call('dataset-import', 'POST', '/api/v1/datasets', { title: `bench ${key} ${run}`, source: { connection_id: connection.id, config: preview.config } });
        const finished = await waitForImport(stack, created.dataset_id, created.import.import_id);
        const seconds = (performance.now() - started) / 1000;
        if (finished.status !== 'succeeded') throw new Error(`import ${finished.status}: ${JSON.stringify(finished.error)}`);
        measured.push({ previewMs: preview.ms, previewBytes: preview.bytes_read, seconds, rows: finished.rows, peakRss: memoryOf(importerPid).peak });
        log(`${key} run ${run + 1}: ${finished.rows} rows in ${seconds.toFixed(1)} s`);
      } finally {
        await stack.stop();
      }
    }
    const seconds = median(measured.map((m) => m.seconds));
    results.push({
      file: `${mb(data.size)} MiB`,
      rows: data.rows,
      previewMs: median(measured.map((m) => m.previewMs)),
      previewKiB: median(measured.map((m) => m.previewBytes)) / 1024,
      seconds,
      rowsPerSecond: data.rows / seconds,
      mbPerSecond: data.size / 1024 ** 2 / seconds,
      peakRssMb: median(measured.map((m) => m.peakRss)) / 1024 ** 2,
    });
  }
  const lines = [
    `S3 connector benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem())} MiB RAM, Node ${process.version}; median of ${runs} run(s)`,
    '',
    '| file | rows | preview (ms) | preview read (KiB) | import (s) | rows/s | MB/s | importer peak RSS (MB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.file} | ${r.rows} | ${r.previewMs.toFixed(0)} | ${r.previewKiB.toFixed(0)} | ${r.seconds.toFixed(1)} | ${r.rowsPerSecond.toFixed(0)} | ${r.mbPerSecond.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`),
  ];
  if (results.length > 1) {
    const [small, , large = results[results.length - 1]] = results;
    lines.push('', `Ratios: preview time largest/smallest = ${(large.previewMs / small.previewMs).toFixed(2)}; peak RSS largest/second = ${(large.peakRssMb / results[results.length - 2].peakRssMb).toFixed(2)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});

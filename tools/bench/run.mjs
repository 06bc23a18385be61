#!/usr/bin/env node
// `npm run bench [-- options]`: how fast the connector gets an S3 CSV into the store, side by side in one
// run with each stage's limit measured alone and with what a user would pick instead (mongoimport,
// pandas + pymongo), on generated open-data CSV files in the local S3. Prints a table with the ratios
// of docs/performance.md's targets. Not a test.
//
//   --sizes 1MiB,100MiB,1GiB   CSV files (a gzip of the largest is added unless --skip gzip)
//   --runs 3                   runs per figure (the median is printed)
//   --large-runs 1             runs per figure for files of 100 MiB and more (each import takes minutes)
//   --import-max 1GiB          import (connector, mongoimport, pandas) only files up to this size;
//                              larger ones get stage limits and the preview only (0: no import)
//   --store-sample-rows 200000 records for the store insert limit (its rate does not depend on the file)
//   --skip mongoimport,pandas,concurrency,gzip
//   --importer-args "--max-semi-space-size=…"  node flags of the importer process
//   --object-stores moto,minio  also measure the S3 GET drain and the connector's preview of each file
//                              on a MinIO server (built once with `go install`, minutes; see
//                              DEVELOPMENT.md): moto reads the whole object to serve a ranged GET, MinIO
//                              does not. Default: moto only. Imports and the other figures stay on moto.
//                              MinIO ports: BENCH_MINIO_PORT, BENCH_MINIO_CONSOLE_PORT (free ones otherwise).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { appEnvironment, build, ensureDependencies, infra, log } from '../lib/workspace.mjs';
import { findMongoimport, findPandasPython, mongoimportRun, pandasRun } from './alternatives.mjs';
import { concurrentImports, connectorRun } from './connector.mjs';
import { benchInput, ensureUploaded, parseSize, sizeLabel, UNITS } from './inputs.mjs';
import { rangedGet, startMinio } from './minio.mjs';
import {
  importerDocuments,
  parseAndCast,
  previewOf,
  rawCsvParse,
  s3Drain,
  storeInsert,
} from './stage-limits.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const require = createRequire(import.meta.url);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const MB = 1e6;
/** Files from this size on are measured `--large-runs` times: each import takes minutes. */
const LARGE = 100 * UNITS.MiB;
const fixed = (value, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

async function measure(runs, what, fn) {
  const results = [];
  for (let run = 0; run < runs; run += 1) {
    const result = await fn(run);
    log(`${what} run ${run + 1}/${runs}: ${result.seconds.toFixed(2)} s`);
    results.push(result);
  }
  const pick = (name) => median(results.map((result) => result[name]).filter((value) => value !== undefined));
  return { seconds: pick('seconds'), runs, all: results, pick };
}

/**
 * In-memory stages (parse + cast, raw csv-parse) are timed over at least this many bytes — several
 * passes over a small file — after as many untimed passes: a 1 MiB file parses in 0.05 s, before V8 has
 * optimized either parser, which measures the compiler's warm-up rather than the parser.
 */
const IN_MEMORY_MIN_BYTES = 32 * UNITS.MiB;

/** `stage` run over `bytes` enough times; its time per pass. */
async function inMemory(bytes, stage) {
  const passes = Math.ceil(IN_MEMORY_MIN_BYTES / bytes.length);
  let result;
  let seconds = 0;
  let cpuSeconds = 0;
  for (let pass = 0; pass < passes; pass += 1) {
    result = await stage();
    seconds += result.seconds;
    cpuSeconds += result.cpuSeconds ?? 0;
  }
  return { ...result, seconds: seconds / passes, cpuSeconds: cpuSeconds / passes, passes };
}

async function main() {
  ensureDependencies();
  build();
  await infra.up({ log });
  const env = { ...infra.readEnvFile(), ...process.env };
  // The store's and the S3 server's processes, whose CPU the stage limits count.
  const serverPids = Object.fromEntries((await infra.status()).parts.map((part) => [part.part, part.pid]));
  const sizes = option('sizes', '1MiB,100MiB,1GiB').split(',').map(parseSize);
  const runs = Number(option('runs', '3'));
  const largeRuns = Number(option('large-runs', '1'));
  const importMaxOption = option('import-max', '1GiB');
  const importMax = importMaxOption === '0' ? 0 : parseSize(importMaxOption);
  const storeSampleRows = Number(option('store-sample-rows', '200000'));
  const skip = new Set(option('skip', '').split(',').filter(Boolean));
  const importerNodeArgs = option('importer-args', '').split(' ').filter(Boolean);
  const objectStores = new Set(option('object-stores', 'moto').split(',').filter(Boolean));
  for (const store of objectStores)
    if (!['moto', 'minio'].includes(store))
      throw new Error(`--object-stores: unknown store "${store}" (moto, minio)`);
  if (!objectStores.has('moto'))
    throw new Error(
      '--object-stores: moto is always measured (imports run on it); use --object-stores moto,minio',
    );
  const cache = process.env.S3C_CACHE_DIR ?? path.join(os.homedir(), '.cache/s3-connector');
  const dataDir = path.join(cache, 'bench');
  const toolsDir = path.join(cache, 'bench-tools');

  const {
    S3Client,
    HeadObjectCommand,
    PutObjectCommand,
    CreateBucketCommand,
    GetObjectCommand,
  } = require('@aws-sdk/client-s3');
  const {
    IAMClient,
    CreateUserCommand,
    PutUserPolicyCommand,
    CreateAccessKeyCommand,
  } = require('@aws-sdk/client-iam');
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const common = { endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials };
  const s3 = {
    client: new S3Client({
      ...common,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    commands: { HeadObjectCommand, PutObjectCommand, GetObjectCommand },
  };
  const iam = new IAMClient(common);
  const bucket = 's3c-bench';
  await s3.client
    .send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: env.AWS_REGION },
      }),
    )
    .catch(() => undefined);
  const userName = `bench-reader-${Date.now()}`;
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: 'read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const targetOf = (input, key = input.key) => ({
    ...input,
    key,
    bucket,
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    accessKeyId: AccessKey.AccessKeyId,
    secretAccessKey: AccessKey.SecretAccessKey,
  });

  const inputs = [];
  for (const bytes of sizes) inputs.push(await benchInput(dataDir, bytes));
  const largest = Math.max(...sizes);
  if (!skip.has('gzip')) inputs.push(await benchInput(dataDir, largest, { gzip: true }));
  for (const input of inputs) await ensureUploaded(s3, bucket, input, input.key, log);
  const minio = objectStores.has('minio')
    ? await startMinio({ cache, bucket, region: env.AWS_REGION, log })
    : undefined;
  let minioEnv;
  if (minio) {
    for (const input of inputs) await ensureUploaded(minio.s3, bucket, input, input.key, log);
    // The apps refuse loopback and plain-http endpoints unless allowed: moto's are, MinIO's is added.
    const allowed = appEnvironment();
    const withMinio = (list) => [list, minio.host].filter(Boolean).join(',');
    minioEnv = {
      EGRESS_ALLOW_LIST: withMinio(allowed.EGRESS_ALLOW_LIST),
      EGRESS_ALLOW_HTTP: withMinio(allowed.EGRESS_ALLOW_HTTP),
    };
  }
  const minioTargetOf = (input) => ({
    ...input,
    bucket,
    endpoint: minio.endpoint,
    region: minio.region,
    accessKeyId: minio.credentials.accessKeyId,
    secretAccessKey: minio.credentials.secretAccessKey,
  });

  const mongoimport = skip.has('mongoimport') ? { reason: 'skipped' } : findMongoimport(toolsDir);
  const pandas = skip.has('pandas') ? { reason: 'skipped' } : findPandasPython(toolsDir);
  if (mongoimport.reason) log(`mongoimport: ${mongoimport.reason}`);
  if (pandas.reason) log(`pandas: ${pandas.reason}`);

  const rows = [];
  for (const input of inputs) {
    const target = targetOf(input);
    const imports = input.bytes <= importMax;
    const large = input.bytes >= LARGE;
    const importRuns = large ? largeRuns : runs;
    const stageRuns = large ? largeRuns : runs;
    log(`— ${input.label} (${input.rows} rows)`);
    const preview = await previewOf(input.csvFile);
    const parseConfig = {
      config: { ...preview.config, compression: input.gzip ? 'gzip' : 'none' },
      fields: preview.fields,
    };
    const bytes = readFileSync(input.file);
    const row = { input };
    row.s3 = await measure(stageRuns, 'S3 GET drain', () => s3Drain(s3, bucket, input.key, serverPids.aws));
    if (minio) {
      row.minioS3 = await measure(stageRuns, 'S3 GET drain (MinIO)', () =>
        s3Drain(minio.s3, bucket, input.key),
      );
      row.ranged = await measure(runs, '64 KiB ranged GET', () => rangedGet(s3, bucket, input.key));
      row.minioRanged = await measure(runs, '64 KiB ranged GET (MinIO)', () =>
        rangedGet(minio.s3, bucket, input.key),
      );
    }
    const csvBytes = input.gzip ? gunzipSync(bytes) : bytes;
    const parse = () => inMemory(bytes, () => parseAndCast(bytes, parseConfig));
    const raw = () => inMemory(bytes, () => rawCsvParse(csvBytes, preview));
    if (bytes.length < IN_MEMORY_MIN_BYTES) {
      await parse(); // warm-up, untimed
      await raw();
    }
    row.parse = await measure(stageRuns, 'parse + cast', parse);
    row.raw = await measure(stageRuns, 'raw csv-parse', raw);
    if (!input.gzip) {
      const documents = await importerDocuments(bytes, preview, { maxRows: storeSampleRows });
      const storeRuns = await measure(runs, `store insert (${documents.rows} records)`, async () =>
        storeInsert(await storeDb(env), documents, serverPids.store),
      );
      row.store = { ...storeRuns, rows: documents.rows };
    }
    const connector = await measure(
      imports ? importRuns : stageRuns,
      imports ? 'connector preview + import' : 'connector preview',
      () => connectorRun(target, { importerNodeArgs, previewOnly: !imports, serverPids }),
    );
    row.connector = { ...connector, seconds: imports ? connector.seconds : undefined };
    if (minio)
      row.minioPreview = await measure(stageRuns, 'connector preview (MinIO)', () =>
        connectorRun(minioTargetOf(input), { importerNodeArgs, previewOnly: true, extraEnv: minioEnv }),
      );
    if (imports && mongoimport.binary)
      row.mongoimport = await measure(importRuns, 'mongoimport', () =>
        mongoimportRun(mongoimport.binary, target, env),
      );
    if (imports && pandas.python)
      row.pandas = await measure(importRuns, 'pandas', () => pandasRun(pandas.python, target, env));
    rows.push(row);
  }
  await closeStoreDb();

  let concurrency;
  // The largest file imported, against four files of a quarter of its size imported at once.
  const largestInput = rows.filter((row) => !row.input.gzip && row.connector.seconds !== undefined).at(-1);
  if (!skip.has('concurrency') && largestInput) {
    const quarter = await benchInput(dataDir, Math.round(largestInput.input.bytes / 4));
    const targets = [1, 2, 3, 4].map((copy) => targetOf(quarter, `copy-${copy}-${quarter.key}`));
    for (const target of targets) await ensureUploaded(s3, bucket, quarter, target.key, log);
    const measured = await measure(
      largestInput.input.bytes >= LARGE ? largeRuns : runs,
      `4 concurrent imports of ${quarter.label}`,
      () => concurrentImports(targets, { importerNodeArgs }),
    );
    concurrency = {
      quarter,
      seconds: measured.seconds,
      single: largestInput.connector.seconds,
      singleLabel: largestInput.input.label,
      rows: measured.pick('rows'),
      peakRss: measured.pick('peakRss'),
    };
  }
  process.stdout.write(
    `${report(rows, concurrency, {
      runs,
      largeRuns,
      storeSampleRows,
      importerNodeArgs,
      mongoimport,
      pandas,
      minioVersion: minio?.version,
    })}\n`,
  );
  // On an error, startMinio's exit hook kills the server.
  await minio?.stop();
}

let storeClient;
async function storeDb(env) {
  const { MongoClient } = require('mongoose').mongo;
  storeClient ??= await MongoClient.connect(env.MONGODB_URI);
  return storeClient.db(`bench_${Date.now().toString(36)}_store`);
}
async function closeStoreDb() {
  if (!storeClient) return;
  const { databases } = await storeClient.db('admin').admin().listDatabases();
  for (const { name } of databases)
    if (/^bench_.*_store$/.test(name)) await storeClient.db(name).dropDatabase();
  await storeClient.close();
}

function verdict(ok) {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : 'MISS';
}

function report(rows, concurrency, settings) {
  const cpu = os.cpus();
  const lines = [
    `S3 connector benchmark — ${new Date().toISOString()}`,
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / UNITS.GiB).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}; store: FerretDB (SQLite) on the same machine; S3: moto${settings.minioVersion ? ` (and MinIO ${settings.minioVersion} in the object-stores table)` : ''}.`,
    `Median of ${settings.runs} run(s) (${settings.largeRuns} for files of ≥ 100 MiB); MB = 10^6 bytes of the object; store limit measured on the first ${settings.storeSampleRows} records, written by the importer's record store.${settings.importerNodeArgs.length ? ` Importer node flags: ${settings.importerNodeArgs.join(' ')}.` : ''}`,
    '',
    '### Stage limits (each measured alone)',
    '',
    '| file | object MB | rows | S3 GET MB/s | parse+cast MB/s | raw csv-parse MB/s | parse/raw | store insert records/s | store as MB/s | CPU µs/row: S3 + parse + store | all stages sharing the CPUs, rows/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const cores = os.availableParallelism();
  const perRow = (measured, rows) => (measured?.pick('cpuSeconds') * 1e6) / rows;
  for (const row of rows) {
    const { input } = row;
    const objectMb = input.size / MB;
    row.limits = {
      s3: objectMb / row.s3.seconds,
      parse: objectMb / row.parse.seconds,
      raw: objectMb / row.raw.seconds,
      storeDocs: row.store ? row.store.rows / row.store.seconds : undefined,
    };
    row.limits.store =
      row.limits.storeDocs === undefined ? undefined : (row.limits.storeDocs * objectMb) / input.rows;
    row.cpu = {
      s3: perRow(row.s3, input.rows),
      parse: perRow(row.parse, input.rows),
      store: row.store ? perRow(row.store, row.store.rows) : undefined,
    };
  }
  // The gzip file's store limit is the CSV's: the same records.
  for (const row of rows) {
    if (row.limits.store === undefined) {
      const plain = rows.find((other) => !other.input.gzip && other.input.csvSize === row.input.csvSize);
      row.limits.storeDocs = plain?.limits.storeDocs;
      row.limits.store = plain ? (plain.limits.storeDocs * row.input.size) / MB / row.input.rows : undefined;
      row.cpu.store = plain?.cpu.store;
    }
  }
  for (const row of rows) {
    const { input } = row;
    const objectMb = input.size / MB;
    const cpuPerRow = row.cpu.s3 + row.cpu.parse + row.cpu.store;
    // Every stage at once on this machine's cores, none of them waiting: the rate the CPUs allow.
    row.limits.sharedRows = (cores * 1e6) / cpuPerRow;
    lines.push(
      `| ${input.label} | ${fixed(objectMb)} | ${input.rows} | ${fixed(row.limits.s3)} | ${fixed(row.limits.parse)} | ${fixed(row.limits.raw)} | ${fixed(row.limits.parse / row.limits.raw, 2)} | ${fixed(row.limits.storeDocs, 0)} | ${fixed(row.limits.store, 2)} | ${fixed(row.cpu.s3, 1)} + ${fixed(row.cpu.parse, 1)} + ${fixed(row.cpu.store, 1)} = ${fixed(cpuPerRow, 1)} | ${fixed(row.limits.sharedRows, 0)} |`,
    );
  }
  lines.push('', '### Connector and alternatives (same object, same store)', '');
  lines.push(
    '| file | preview ms | preview read KiB | import s | rows/s | MB/s | vs slowest stage | vs all stages sharing the CPUs | importer RSS idle / peak MB | mongoimport s (rows/s) | connector / mongoimport | pandas s (rows/s) | connector / pandas |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const { input, connector } = row;
    const seconds = connector.seconds;
    const rate = seconds === undefined ? undefined : input.size / MB / seconds;
    const slowest = Math.min(
      ...[row.limits.s3, row.limits.parse, row.limits.store].filter((value) => value !== undefined),
    );
    row.figures = {
      previewMs: connector.pick('previewMs'),
      previewKiB: connector.pick('previewBytes') / 1024,
      rate,
      rowsPerSecond: seconds === undefined ? undefined : input.rows / seconds,
      vsSlowest: rate === undefined ? undefined : rate / slowest,
      vsShared: seconds === undefined ? undefined : input.rows / seconds / row.limits.sharedRows,
      idleRss: connector.pick('idleRss') / MB,
      peakRss: seconds === undefined ? undefined : connector.pick('peakRss') / MB,
      vsMongoimport: row.mongoimport && seconds !== undefined ? row.mongoimport.seconds / seconds : undefined,
      vsPandas: row.pandas && seconds !== undefined ? row.pandas.seconds / seconds : undefined,
    };
    const f = row.figures;
    const alt = (measured) =>
      measured ? `${fixed(measured.seconds)} (${fixed(input.rows / measured.seconds, 0)})` : '–';
    lines.push(
      `| ${input.label} | ${fixed(f.previewMs, 0)} | ${fixed(f.previewKiB, 0)} | ${fixed(seconds, seconds < 10 ? 2 : 1)} | ${fixed(f.rowsPerSecond, 0)} | ${fixed(rate, 2)} | ${fixed(f.vsSlowest, 2)} | ${fixed(f.vsShared, 2)} | ${fixed(f.idleRss, 0)} / ${fixed(f.peakRss, 0)} | ${alt(row.mongoimport)} | ${fixed(f.vsMongoimport, 2)} | ${alt(row.pandas)} | ${fixed(f.vsPandas, 2)} |`,
    );
  }
  const importedRows = rows.filter((row) => row.connector.seconds !== undefined);
  if (importedRows.length > 0) {
    // Where the import's CPU goes, per row and per process, against the stages measured alone: the
    // difference is what running them together costs (switching, caches, waiting) beyond the work itself.
    lines.push(
      '',
      '### CPU per row: the import against its stages alone (µs of CPU per row; 2 cores = 2 × 10^6 µs/s)',
      '',
      '| file | importer | store | S3 server | import total | stages alone (S3 + parse + store) | import / stages | CPUs busy during the import |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of importedRows) {
      const { input, connector } = row;
      const us = (name) => (connector.pick(name) * 1e6) / input.rows;
      const total = us('importerCpu') + us('storeCpu') + us('s3Cpu');
      const stages = row.cpu.s3 + row.cpu.parse + row.cpu.store;
      lines.push(
        `| ${input.label} | ${fixed(us('importerCpu'))} | ${fixed(us('storeCpu'))} | ${fixed(us('s3Cpu'))} | ${fixed(total)} | ${fixed(stages)} | ${fixed(total / stages, 2)} | ${fixed((total * input.rows) / 1e6 / connector.seconds, 2)} |`,
      );
    }
  }
  if (settings.minioVersion) {
    lines.push(
      '',
      '### Object stores (same object on each; the preview is one 64 KiB ranged GET)',
      '',
      '| file | store | S3 GET MB/s | 64 KiB ranged GET ms | preview ms | preview read KiB |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const row of rows) {
      const objectMb = row.input.size / MB;
      row.minioFigures = {
        s3: objectMb / row.minioS3.seconds,
        previewMs: row.minioPreview.pick('previewMs'),
        previewKiB: row.minioPreview.pick('previewBytes') / 1024,
      };
      for (const [store, s3Rate, ranged, f] of [
        ['moto', row.limits.s3, row.ranged, row.figures],
        ['MinIO', row.minioFigures.s3, row.minioRanged, row.minioFigures],
      ])
        lines.push(
          `| ${row.input.label} | ${store} | ${fixed(s3Rate)} | ${fixed(ranged.seconds * 1000)} | ${fixed(f.previewMs, 0)} | ${fixed(f.previewKiB, 0)} |`,
        );
    }
  }
  if (!settings.mongoimport.binary)
    lines.push('', `mongoimport not measured: ${settings.mongoimport.reason}`);
  if (!settings.pandas.python) lines.push('', `pandas not measured: ${settings.pandas.reason}`);
  if (concurrency) {
    lines.push(
      '',
      `Concurrency: 4 imports of ${concurrency.quarter.label} at once on one importer: ${fixed(concurrency.seconds)} s (${concurrency.rows} rows, peak RSS ${fixed(concurrency.peakRss / MB, 0)} MB) vs one ${concurrency.singleLabel} import ${fixed(concurrency.single)} s: ratio ${fixed(concurrency.seconds / concurrency.single, 2)}`,
    );
  }

  const plain = rows.filter((row) => !row.input.gzip);
  const smallest = plain[0];
  const biggest = plain.at(-1);
  const imported = plain.filter((row) => row.figures.peakRss !== undefined);
  const rssLargest = imported.at(-1);
  const rssPrevious = imported.at(-2);
  const anyImport = rows.some((row) => row.figures.rate !== undefined);
  // One size alone compares nothing.
  const previewRatio = (figures) =>
    biggest === smallest ? undefined : figures(biggest).previewMs / figures(smallest).previewMs;
  const previewTime = `preview time ${biggest.input.label} ≤ 1.2 × ${smallest.input.label}`;
  const targets = [
    [
      'preview reads ≤ 512 KiB (20 records)',
      Math.max(...rows.flatMap((row) => [row.figures.previewKiB, row.minioFigures?.previewKiB ?? 0])),
      (value) => value <= 512,
      (value) => `${fixed(value, 0)} KiB max`,
    ],
    [
      settings.minioVersion ? `${previewTime} (moto)` : previewTime,
      previewRatio((row) => row.figures),
      (value) => value <= 1.2,
      (value) => fixed(value, 2),
    ],
    ...(settings.minioVersion
      ? [
          [
            `${previewTime} (MinIO)`,
            previewRatio((row) => row.minioFigures),
            (value) => value <= 1.2,
            (value) => fixed(value, 2),
          ],
        ]
      : []),
    [
      'import ≥ 0.85 × slowest stage limit',
      anyImport
        ? Math.min(
            ...rows.filter((row) => row.figures.vsSlowest !== undefined).map((row) => row.figures.vsSlowest),
          )
        : undefined,
      (value) => value >= 0.85,
      (value) => `${fixed(value, 2)} (worst file)`,
    ],
    [
      'import ≥ 1.0 × mongoimport',
      rows.some((row) => row.figures.vsMongoimport !== undefined)
        ? Math.min(
            ...rows
              .filter((row) => row.figures.vsMongoimport !== undefined)
              .map((row) => row.figures.vsMongoimport),
          )
        : undefined,
      (value) => value >= 1,
      (value) => `${fixed(value, 2)} (worst file)`,
    ],
    [
      'parse+cast ≥ 0.7 × raw csv-parse',
      Math.min(...plain.map((row) => row.limits.parse / row.limits.raw)),
      (value) => value >= 0.7,
      (value) => `${fixed(value, 2)} (worst file)`,
    ],
    [
      `importer peak RSS ≤ 250 MB (${rssLargest?.input.label ?? '–'})`,
      rssLargest?.figures.peakRss,
      (value) => value <= 250,
      (value) => `${fixed(value, 0)} MB`,
    ],
    [
      `RSS ${rssLargest?.input.label ?? '–'} ≤ 1.25 × RSS ${rssPrevious?.input.label ?? '–'}`,
      rssPrevious ? rssLargest.figures.peakRss / rssPrevious.figures.peakRss : undefined,
      (value) => value <= 1.25,
      (value) => fixed(value, 2),
    ],
    [
      '4 concurrent quarter-size imports ≤ 1.3 × one full import',
      concurrency ? concurrency.seconds / concurrency.single : undefined,
      (value) => value <= 1.3,
      (value) => fixed(value, 2),
    ],
  ];
  lines.push('', '### Targets', '', '| target | measured | verdict |', '| --- | ---: | --- |');
  for (const [name, value, ok, show] of targets) {
    const measured = value === undefined || Number.isNaN(value) ? undefined : value;
    lines.push(
      `| ${name} | ${measured === undefined ? 'not measured' : show(measured)} | ${verdict(measured === undefined ? undefined : ok(measured))} |`,
    );
  }
  return lines.join('\n');
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});

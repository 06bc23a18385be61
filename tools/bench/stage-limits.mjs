// Each stage of an import measured alone, on the same object or bytes: what the import can at best reach.
// - S3 GET drain: one GetObject of the object, body read and dropped.
// - parse + cast: @s3c/parsing's readCsvRecords (the importer's pipeline) on the bytes already in memory.
// - raw csv-parse: csv-parse's stream API with the same dialect on the same bytes, records counted.
// - store insert: the importer's own record store (apps/dataset-import RecordStore, from the build) writing
//   the same records in the same batches, as many at once as the importer writes, into a fresh collection.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ROOT } from '../lib/workspace.mjs';

const require = createRequire(import.meta.url);
const CHUNK = 64 * 1024;

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) process `pid` has used so far. */
export function processCpuSeconds(pid) {
  // "pid (comm) S …": comm may hold spaces and parentheses, so fields are counted from the last ')'.
  // After it, state is the first field, utime the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds spent from now on by this process and the servers `pids` (the store, the S3 server):
 * what a stage costs the machine, to compare with what the import spends on all of them at once.
 */
export function cpuMeter(pids = []) {
  const own = process.cpuUsage();
  const servers = cpuByProcess(Object.fromEntries(pids.map((pid) => [pid, pid])));
  return () => {
    const used = process.cpuUsage(own);
    return (used.user + used.system) / 1e6 + Object.values(servers()).reduce((sum, seconds) => sum + seconds, 0);
  };
}

/** CPU seconds each process of `pids` ({ name: pid }) spends from now on, by name. */
export function cpuByProcess(pids) {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  return () =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid) - start[name]]));
}

export function parsingLib() {
  return require(path.join(ROOT, 'dist/node_modules/@s3c/parsing'));
}

/** The importer's own record store (apps/dataset-import), from the build. */
function recordStoreModule() {
  return require(path.join(ROOT, 'dist/apps/dataset-import/src/imports/record-store'));
}

/** The config and fields the connector's preview would propose for this CSV (the first 256 KiB). */
export async function previewOf(csvFile) {
  const { previewCsv } = parsingLib();
  const prefix = readFileSync(csvFile).subarray(0, 256 * 1024);
  const preview = await previewCsv(prefix, { objectSize: Number.MAX_SAFE_INTEGER });
  return { config: preview.config, fields: preview.fields };
}

/** The bytes as the HTTP body would deliver them: 64 KiB chunks. */
function* chunksOf(bytes) {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) yield bytes.subarray(offset, offset + CHUNK);
}

/** `serverPid`: the S3 server's process, whose CPU is counted with the client's. */
export async function s3Drain(s3, bucket, key, serverPid) {
  const { GetObjectCommand } = s3.commands;
  const cpu = cpuMeter(serverPid ? [serverPid] : []);
  const started = performance.now();
  const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let bytes = 0;
  for await (const chunk of Body) bytes += chunk.length;
  return { bytes, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu() };
}

export async function parseAndCast(bytes, { config, fields }, batchSize = 2000) {
  const { readCsvRecords } = parsingLib();
  const cpu = cpuMeter();
  const started = performance.now();
  let rows = 0;
  for await (const batch of readCsvRecords(chunksOf(bytes), { sourceConfig: config, fields, batchSize })) {
    rows += batch.records.length + batch.rejected.length;
  }
  return { rows, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu() };
}

export async function rawCsvParse(bytes, { config }) {
  const { parse } = require('csv-parse');
  const started = performance.now();
  let rows = 0;
  const parser = Readable.from(chunksOf(bytes)).pipe(
    parse({
      delimiter: config.delimiter,
      quote: config.quoteChar ?? false,
      escape: config.escapeChar,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }),
  );
  for await (const record of parser) rows += record.length > 0 ? 1 : 0;
  return { rows: rows - (config.headerRow ? 1 : 0), seconds: (performance.now() - started) / 1000 };
}

/** The importer's records for `bytes` (at least `maxRows` of them), in its batches of `batchSize` rows. */
export async function importerDocuments(bytes, preview, { batchSize = 2000, maxRows = Infinity } = {}) {
  const { readCsvRecords } = parsingLib();
  const batches = [];
  let rows = 0;
  for await (const batch of readCsvRecords(chunksOf(bytes), {
    sourceConfig: preview.config,
    fields: preview.fields,
    batchSize,
  })) {
    rows += batch.records.length;
    if (batch.records.length > 0) batches.push(batch.records);
    if (rows >= maxRows) break;
  }
  return { batches, rows };
}

/** How the importer pipelines its writes (apps/dataset-import OrderedPipeline), from the build. */
function orderedPipelineModule() {
  return require(path.join(ROOT, 'dist/apps/dataset-import/src/imports/ordered-pipeline'));
}

/**
 * The importer's defaults for its writes, from the build: batches written at once (IMPORT_WRITES_IN_FLIGHT)
 * and blocks inserted at once (IMPORT_INSERTS_IN_FLIGHT).
 */
function importerWriteDefaults() {
  const { DatasetImportConfig } = require(path.join(ROOT, 'dist/apps/dataset-import/src/dataset-import.config'));
  const defaults = new DatasetImportConfig();
  return { depth: defaults.IMPORT_WRITES_IN_FLIGHT, inserts: defaults.IMPORT_INSERTS_IN_FLIGHT };
}

/**
 * The record store's writer fed the batches as an import feeds it (IMPORT_WRITES_IN_FLIGHT at once,
 * through the importer's own pipeline; IMPORT_INSERTS_IN_FLIGHT blocks inserted at once), then dropped.
 * `storePid`: the store's process, whose CPU is counted with the writer's.
 */
export async function storeInsert(db, { batches, rows }, storePid, { depth, inserts } = importerWriteDefaults()) {
  const { RecordStore } = recordStoreModule();
  const { OrderedPipeline } = orderedPipelineModule();
  // RecordStore only asks its connection for collections: the driver's Db answers the same.
  const store = new RecordStore({ collection: (name) => db.collection(name) });
  const importId = `bench_${Date.now().toString(36)}`;
  const cpu = cpuMeter(storePid ? [storePid] : []);
  const started = performance.now();
  const writer = await store.openWriter(importId, 0, inserts);
  const pipeline = new OrderedPipeline(depth);
  for (const records of batches) await pipeline.add(() => writer.write(records), async () => undefined);
  await pipeline.drain();
  await writer.flush();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpu();
  await store.deleteRecords(importId);
  return { rows, seconds, cpuSeconds };
}

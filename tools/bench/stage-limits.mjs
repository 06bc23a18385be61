// Each stage of an import measured alone, on the same object or bytes: what the import can at best reach.
// - S3 GET drain: one GetObject of the object, body read and dropped.
// - parse + cast: @s3c/parsing's readCsvRecords (the importer's pipeline) on the bytes already in memory.
// - raw csv-parse: csv-parse's stream API with the same dialect on the same bytes, records counted.
// - store insert: the importer's documents (same ids, shape and batch size) inserted with insertMany.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ROOT } from '../lib/workspace.mjs';

const require = createRequire(import.meta.url);
const CHUNK = 64 * 1024;

export function parsingLib() {
  return require(path.join(ROOT, 'dist/node_modules/@s3c/parsing'));
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

export async function s3Drain(s3, bucket, key) {
  const { GetObjectCommand } = s3.commands;
  const started = performance.now();
  const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let bytes = 0;
  for await (const chunk of Body) bytes += chunk.length;
  return { bytes, seconds: (performance.now() - started) / 1000 };
}

export async function parseAndCast(bytes, { config, fields }, batchSize = 2000) {
  const { readCsvRecords } = parsingLib();
  const started = performance.now();
  let rows = 0;
  for await (const batch of readCsvRecords(chunksOf(bytes), { sourceConfig: config, fields, batchSize })) {
    rows += batch.records.length + batch.rejected.length;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
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

/** The importer's documents for `bytes`, at most `maxRows` of them, in batches of `batchSize`. */
export async function importerDocuments(bytes, preview, { batchSize = 2000, maxRows = Infinity } = {}) {
  const { readCsvRecords } = parsingLib();
  const batches = [];
  let rows = 0;
  for await (const batch of readCsvRecords(chunksOf(bytes), {
    sourceConfig: preview.config,
    fields: preview.fields,
    batchSize,
  })) {
    const documents = batch.records.map((values, index) => ({ _id: rows + index, v: values }));
    rows += batch.records.length;
    if (documents.length > 0) batches.push(documents);
    if (rows >= maxRows) break;
  }
  return { batches, rows };
}

/** insertMany of the batches, one after the other (what the importer does), into a fresh collection. */
export async function storeInsert(db, { batches, rows }) {
  const collection = db.collection(`records_bench_${Date.now().toString(36)}`);
  const started = performance.now();
  for (const documents of batches) await collection.insertMany(documents, { ordered: false });
  const seconds = (performance.now() - started) / 1000;
  await collection.drop();
  return { rows, seconds };
}

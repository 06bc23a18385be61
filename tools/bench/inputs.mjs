// The benchmark's inputs: generated open-data CSV files (and a gzip of one) in the cache folder, each
// uploaded once to the local S3 bucket. Generated and uploaded files are reused by later runs.
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { openDataCsv } from './open-data-csv.mjs';

export const UNITS = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

export function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)(KiB|MiB|GiB)$/.exec(text.trim());
  if (!match) throw new Error(`Size "${text}" must look like 1MiB, 100MiB or 1GiB`);
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

export function sizeLabel(bytes) {
  if (bytes >= UNITS.GiB && bytes % UNITS.GiB === 0) return `${bytes / UNITS.GiB} GiB`;
  if (bytes >= UNITS.MiB) return `${Math.round(bytes / UNITS.MiB)} MiB`;
  return `${Math.round(bytes / UNITS.KiB)} KiB`;
}

/** `file.gz` beside `file` (level 6, what `gzip` does by default), made once. */
export async function gzipOf(file) {
  const target = `${file}.gz`;
  if (!existsSync(target)) {
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      createGzip({ level: 6 }),
      createWriteStream(`${target}.partial`),
    );
    renameSync(`${target}.partial`, target);
  }
  return { file: target, size: statSync(target).size };
}

/** A generated CSV of about `bytes` bytes, optionally gzipped, as an S3 object of the bench bucket. */
export async function benchInput(cacheFolder, bytes, { gzip = false } = {}) {
  const csv = await openDataCsv(cacheFolder, bytes);
  const stored = gzip ? await gzipOf(csv.file) : { file: csv.file, size: csv.size };
  return {
    label: `${sizeLabel(bytes)}${gzip ? ' .gz' : ''}`,
    bytes,
    file: stored.file,
    key: path.basename(stored.file),
    size: stored.size,
    csvFile: csv.file,
    csvSize: csv.size,
    rows: csv.rows,
    gzip,
  };
}

/** Uploads `input` under `key` unless an object of that size is already there. */
export async function ensureUploaded(s3, bucket, input, key = input.key, log = () => {}) {
  const { HeadObjectCommand, PutObjectCommand } = s3.commands;
  const head = await s3.client
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .catch(() => undefined);
  if (head?.ContentLength === input.size) return;
  log(`uploading ${key} (${(input.size / UNITS.MiB).toFixed(1)} MiB) to the local S3...`);
  await s3.client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: createReadStream(input.file, { highWaterMark: 1 << 20 }),
      ContentLength: input.size,
    }),
  );
}

// `node tools/bench/inputs.mjs <folder> 100MiB 1GiB ...`: generate ahead of a run (gzip with a trailing `.gz`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [folder, ...sizes] = process.argv.slice(2);
  for (const size of sizes) {
    const input = await benchInput(folder, parseSize(size.replace(/\.gz$/, '')), {
      gzip: size.endsWith('.gz'),
    });
    process.stdout.write(`${input.label}: ${input.file} ${input.size} bytes, ${input.rows} rows\n`);
  }
}

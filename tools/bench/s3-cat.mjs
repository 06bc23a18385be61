// `node tools/bench/s3-cat.mjs <bucket> <key> [--gunzip]`: an S3 object's body to stdout, as
// `aws s3 cp s3://bucket/key -` would stream it (endpoint and credentials from the environment).
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const require = createRequire(import.meta.url);
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');
const [bucket, key, flag] = process.argv.slice(2);
const s3 = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL,
  region: process.env.AWS_REGION,
  forcePathStyle: true,
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
await pipeline(...(flag === '--gunzip' ? [Body, createGunzip()] : [Body]), process.stdout);

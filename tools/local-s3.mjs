#!/usr/bin/env node
// `npm run local-s3 -- put <file> s3://<bucket>/<key>` — puts a file into the local AWS server (creating
// the bucket if needed) with the admin credentials of .infra/env; `ls s3://<bucket>` lists it. For trying
// the connector without the AWS CLI.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { infra } from './lib/workspace.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command } = createRequire(import.meta.url)('@aws-sdk/client-s3');
const env = infra.readEnvFile();
if (!env.AWS_ENDPOINT_URL) {
  process.stderr.write('The local AWS server is not up: run `npm start` or `npm run infra -- up aws` first.\n');
  process.exit(1);
}
const s3 = new S3Client({
  endpoint: env.AWS_ENDPOINT_URL,
  region: env.AWS_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const [command, ...args] = process.argv.slice(2);
const parse = (uri) => {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri ?? '');
  if (!match) throw new Error(`"${uri}" is not an s3://bucket/key URI`);
  return { bucket: match[1], key: match[2] };
};
try {
  if (command === 'put' && args.length === 2) {
    const { bucket, key } = parse(args[1]);
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: env.AWS_REGION } })).catch(() => undefined);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key || args[0].split('/').at(-1), Body: readFileSync(args[0]) }));
    process.stdout.write(`${env.AWS_ENDPOINT_URL}/${bucket}/${key || args[0].split('/').at(-1)}\n`);
  } else if (command === 'ls' && args.length === 1) {
    const { bucket, key } = parse(args[0]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
    for (const object of listed.Contents ?? []) process.stdout.write(`${object.Size}\t${object.Key}\n`);
  } else {
    process.stderr.write('usage: npm run local-s3 -- put <file> s3://<bucket>/<key> | ls s3://<bucket>[/<prefix>]\n');
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`local-s3: ${error.message}\n`);
  process.exit(1);
}

// MinIO for the benchmark: an S3-compatible store that serves a ranged GET in constant time, beside
// moto, which reads the whole object to answer one (so the preview of a 1 GiB object measures moto).
// Built once from the Go module proxy into the cache folder, started on loopback with bench-only root
// credentials and a data folder of its own, and stopped (process group killed, data deleted) at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);

/**
 * MinIO's releases are tagged RELEASE.<date>, which are not semver: the module proxy serves commits as
 * pseudo-versions. This one was `@latest` when the benchmark first used it (DEVELOPMENT.md).
 */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
const MODULE = 'github.com/minio/minio';

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `<cache>/minio/bin/minio`, built with `go install` unless the marker says this version is there. */
export function ensureMinioBinary(cache, log) {
  const folder = path.join(cache, 'minio');
  const binary = path.join(folder, 'bin', 'minio');
  const marker = `${binary}.version`;
  if (existsSync(binary) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === MINIO_VERSION)
    return binary;
  mkdirSync(folder, { recursive: true });
  const logFile = path.join(folder, `build-${MINIO_VERSION}.log`);
  log(`building MinIO ${MINIO_VERSION} with go install (several minutes on 2 cores; log: ${logFile})...`);
  const started = Date.now();
  const output = openSync(logFile, 'w');
  const result = spawnSync('go', ['install', `${MODULE}@${MINIO_VERSION}`], {
    cwd: folder,
    env: { ...process.env, GOBIN: path.dirname(binary) },
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  if (result.error)
    throw new Error(
      `MinIO could not be built: go could not run (${result.error.message}); Go ≥ 1.24 is needed`,
    );
  if (result.status !== 0)
    throw new Error(`MinIO could not be built: go install exited ${result.status}, see ${logFile}`);
  writeFileSync(marker, `${MINIO_VERSION}\n`);
  log(`MinIO built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return binary;
}

/** One GetObject of the first 64 KiB (what the preview asks the store for), body read: per store. */
export async function rangedGet(s3, bucket, key, bytes = 64 * 1024) {
  const { GetObjectCommand } = s3.commands;
  const started = performance.now();
  const { Body } = await s3.client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }),
  );
  let read = 0;
  for await (const chunk of Body) read += chunk.length;
  return { bytes: read, seconds: (performance.now() - started) / 1000 };
}

/**
 * A running MinIO with `bucket` created, and an S3 client on it. Ports: BENCH_MINIO_PORT and
 * BENCH_MINIO_CONSOLE_PORT, free ones otherwise. `stop()` is also run when the process exits or is
 * interrupted, so no server outlives the benchmark.
 */
export async function startMinio({ cache, bucket, region, log }) {
  const binary = ensureMinioBinary(cache, log);
  const port = Number(process.env.BENCH_MINIO_PORT) || (await freePort());
  const consolePort = Number(process.env.BENCH_MINIO_CONSOLE_PORT) || (await freePort());
  const folder = path.join(cache, 'minio');
  const dataDir = mkdtempSync(path.join(folder, 'data-'));
  const credentials = {
    accessKeyId: `bench${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const logFile = path.join(folder, 'server.log');
  const output = openSync(logFile, 'w');
  const child = spawn(
    binary,
    ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    {
      // Its own process group, killed as a whole; only what MinIO needs from the environment.
      detached: true,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MINIO_ROOT_USER: credentials.accessKeyId,
        MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
        // A store in the moto bucket's region: with a region set, MinIO refuses signatures for another
        // one, as AWS does (unset, it takes any).
        MINIO_SITE_REGION: region,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
      },
      stdio: ['ignore', output, output],
    },
  );
  closeSync(output);
  let exited = false;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const killNow = () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    killNow();
    process.kill(process.pid, signal);
  };
  process.once('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const stop = async () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!exited) {
      process.kill(-child.pid, 'SIGTERM');
      const killed = await Promise.race([exitedPromise, sleep(10_000).then(() => undefined)]);
      if (!killed) process.kill(-child.pid, 'SIGKILL');
      await exitedPromise;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; ; attempt += 1) {
      if (exited) throw new Error(`MinIO exited at start, see ${logFile}`);
      try {
        if ((await fetch(`${endpoint}/minio/health/live`)).ok) break;
      } catch {
        // starting
      }
      if (attempt > 120) throw new Error(`MinIO did not answer on ${endpoint} within 30 s, see ${logFile}`);
      await sleep(250);
    }
    const {
      S3Client,
      CreateBucketCommand,
      HeadObjectCommand,
      PutObjectCommand,
      GetObjectCommand,
    } = require('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint,
      region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // Live is answered before the drive is formatted: retry until the bucket exists.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            CreateBucketConfiguration: { LocationConstraint: region },
          }),
        );
        break;
      } catch (error) {
        if (attempt > 40) throw error;
        await sleep(250);
      }
    }
    log(`MinIO ${MINIO_VERSION} on ${endpoint}, data in ${dataDir}`);
    return {
      endpoint,
      host: new URL(endpoint).host,
      region,
      credentials,
      // `minio --version` says DEVELOPMENT.GOGET when built by go install: the module version tells.
      version: MINIO_VERSION,
      s3: { client, commands: { HeadObjectCommand, PutObjectCommand, GetObjectCommand } },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// What a user would pick instead of the connector, on the same S3 object and the same store:
// - mongoimport (MongoDB Database Tools, Apache-2.0 Go) fed by a streaming GetObject to its stdin;
// - a pandas read_csv(chunksize) + pymongo insert_many script.
// Both are installed once under <cache>/bench-tools and reused.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabases } from './stack.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PANDAS_PINS = ['pandas==3.1.1', 'pymongo==4.20.0', 'boto3==1.44.5'];

/**
 * The mongoimport binary: <tools>/bin/mongoimport, else one on PATH, else built from a mongo-tools
 * source tree in <tools>/src/mongo-tools (its dependencies are vendored: CGO_ENABLED=0, no build
 * tags, so no Kerberos/SASL). The Go module proxy answers 403 for github.com/mongodb/mongo-tools
 * (its release tags are not Go module versions), so `go install …@version` cannot fetch it; the source
 * tree comes from a clone of the repository. Returns undefined with the reason when there is none.
 */
export function findMongoimport(toolsDir) {
  const built = path.join(toolsDir, 'bin/mongoimport');
  if (existsSync(built)) return { binary: built };
  const onPath = spawnSync('sh', ['-c', 'command -v mongoimport'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { binary: onPath };
  const source = path.join(toolsDir, 'src/mongo-tools');
  if (!existsSync(path.join(source, 'go.mod'))) {
    return {
      reason: `no mongoimport: put a mongo-tools source tree (git clone of github.com/mongodb/mongo-tools) in ${source}`,
    };
  }
  const build = spawnSync('go', ['build', '-o', built, './mongoimport/main'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=vendor' },
    encoding: 'utf8',
  });
  return build.status === 0
    ? { binary: built }
    : { reason: `mongoimport build failed: ${build.stderr.trim().split('\n').at(-1)}` };
}

export function findPandasPython(toolsDir) {
  const python = path.join(toolsDir, 'py/bin/python');
  if (!existsSync(python)) {
    const created = spawnSync('python3', ['-m', 'venv', path.join(toolsDir, 'py')], { stdio: 'inherit' });
    if (created.status !== 0) return { reason: 'python3 -m venv failed' };
  }
  const check = spawnSync(python, ['-c', 'import pandas, pymongo, boto3'], { stdio: 'ignore' });
  if (check.status !== 0) {
    const installed = spawnSync(python, ['-m', 'pip', 'install', '-q', ...PANDAS_PINS], { stdio: 'inherit' });
    if (installed.status !== 0) return { reason: `pip install ${PANDAS_PINS.join(' ')} failed` };
  }
  return { python };
}

function runPipeline(command, env) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let stdout = '';
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new Error(`${command.split(' ')[0]}… exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

const quote = (text) => `'${String(text).replaceAll("'", "'\\''")}'`;

async function countAndDrop(uri, database) {
  const { MongoClient } = (await import('node:module')).createRequire(import.meta.url)('mongoose').mongo;
  const client = await MongoClient.connect(uri);
  try {
    return await client.db(database).collection('records').estimatedDocumentCount();
  } finally {
    await client.close();
    await dropDatabases(uri, [database]);
  }
}

/** `s3-cat | mongoimport --type csv --headerline`, timed from the GET to the last insert. */
export async function mongoimportRun(binary, target, env, { workers = 1 } = {}) {
  const database = `bench_${Date.now().toString(36)}_mongoimport`;
  const cat = `${quote(process.execPath)} ${quote(path.join(HERE, 's3-cat.mjs'))} ${quote(target.bucket)} ${quote(target.key)}${target.gzip ? ' --gunzip' : ''}`;
  const command = `${cat} | ${quote(binary)} --quiet --uri ${quote(env.MONGODB_URI)} --db ${database} --collection records --type csv --headerline --numInsertionWorkers ${workers}`;
  const started = performance.now();
  await runPipeline(command, env);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rows: await countAndDrop(env.MONGODB_URI, database) };
}

export async function pandasRun(python, target, env, { chunksize = 50_000 } = {}) {
  const database = `bench_${Date.now().toString(36)}_pandas`;
  const started = performance.now();
  const { stdout } = await runPipeline(
    `${quote(python)} ${quote(path.join(HERE, 'pandas-import.py'))} ${quote(target.bucket)} ${quote(target.key)} ${quote(env.MONGODB_URI)} ${database} ${chunksize}`,
    env,
  );
  const seconds = (performance.now() - started) / 1000;
  await countAndDrop(env.MONGODB_URI, database);
  return { seconds, rows: Number(stdout.trim()) };
}

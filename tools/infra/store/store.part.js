'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { InfraErrorCode } = require('../infra.exception');
const { requireCommand, ensureInstalled, runStep } = require('../toolchain');
const { tcpExchange, describeError } = require('../net-probe');

const OP_MSG = 2013;
const BSON_DOUBLE = 0x01;
const BSON_STRING = 0x02;
const BSON_INT32 = 0x10;
// BSON element `ok: 1.0` (double): type byte, "ok\0", little-endian 1.0.
const OK_ONE = Buffer.from([BSON_DOUBLE, 0x6f, 0x6b, 0x00, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);

/** @param {import('../config').InfraConfig} cfg */
function files(cfg) {
  const dir = path.join(cfg.infraDir, 'store');
  return { dir, dataDir: path.join(dir, 'data'), stateDir: path.join(dir, 'state') };
}

/** @returns {Buffer} the BSON document {hello: 1, $db: 'admin'} */
function helloDocument() {
  const db = Buffer.from('admin\0');
  const body = Buffer.concat([
    Buffer.from([BSON_INT32]),
    Buffer.from('hello\0'),
    Buffer.from([1, 0, 0, 0]),
    Buffer.from([BSON_STRING]),
    Buffer.from('$db\0'),
    Buffer.from([db.length, 0, 0, 0]),
    db,
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32LE(body.length + 4);
  return Buffer.concat([length, body]);
}

/**
 * MongoDB wire protocol round trip (OP_MSG hello): proves FerretDB and its SQLite backend answer.
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<import('../net-probe').ProbeResult>}
 */
async function probe(cfg) {
  const requestId = Math.floor(Math.random() * 0x7fffffff);
  const document = helloDocument();
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + document.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: one body document
  try {
    const reply = await tcpExchange({
      host: cfg.store.host,
      port: cfg.store.port,
      request: Buffer.concat([header, document]),
      isComplete: (received) => received.length >= 4 && received.length >= received.readInt32LE(0),
    });
    if (reply.length < 16 || reply.readInt32LE(8) !== requestId || reply.readInt32LE(12) !== OP_MSG) {
      return { ok: false, detail: 'hello reply is not an OP_MSG answering our request' };
    }
    if (!reply.includes(OK_ONE)) return { ok: false, detail: 'hello reply does not contain ok: 1' };
    return { ok: true, detail: 'hello ok' };
  } catch (error) {
    return { ok: false, detail: `hello failed: ${describeError(error)}` };
  }
}

/**
 * Makes a copied module-cache tree writable (the Go module cache is read-only), so it can be patched and removed.
 * @param {string} root
 */
function makeWritable(root) {
  fs.chmodSync(root, 0o755);
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) makeWritable(path.join(root, entry.name));
  }
}

/**
 * `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at start
 * ("Invalid build/version/version.txt file content"): the module does not ship build/version/version.txt,
 * which FerretDB's release tooling generates. So the module source is copied out of the module cache,
 * given that file, and built from there (the dependencies still come from the shared Go caches).
 * @param {string} version e.g. v1.24.2
 * @param {string} dir install dir; receives the `ferretdb` binary
 * @param {string} logFile
 */
async function buildFerretDb(version, dir, logFile) {
  const hint = 'Check that the Go module proxy is reachable (go env GOPROXY).';
  const goEnv = { ...process.env, CGO_ENABLED: '0' };
  const downloadJson = path.join(dir, 'download.json');
  await runStep({
    command: 'go',
    args: ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`],
    env: goEnv,
    logFile,
    stdoutFile: downloadJson,
    what: `go mod download of FerretDB ${version}`,
    hint,
  });
  const moduleDir = JSON.parse(fs.readFileSync(downloadJson, 'utf8')).Dir;
  const source = path.join(dir, 'src');
  fs.cpSync(moduleDir, source, { recursive: true });
  makeWritable(source);
  fs.writeFileSync(path.join(source, 'build', 'version', 'version.txt'), `${version}\n`);
  await runStep({
    command: 'go',
    args: ['build', '-buildvcs=false', '-o', path.join(dir, 'ferretdb'), './cmd/ferretdb'],
    cwd: source,
    env: goEnv,
    logFile,
    what: `go build of FerretDB ${version}`,
    hint,
  });
  fs.rmSync(source, { recursive: true, force: true });
  fs.rmSync(downloadJson, { force: true });
}

/** @type {import('../lifecycle').Part} */
const storePart = {
  name: 'store',
  envKeys: ['MONGODB_URI'],

  ports: (cfg) => [{ host: cfg.store.host, port: cfg.store.port, variable: 'STORE_PORT' }],

  readyTimeoutMs: (cfg) => cfg.store.readyTimeoutMs,

  dataDirs: (cfg) => [files(cfg).dataDir, files(cfg).stateDir],

  marker: (cfg) => `--state-dir=${files(cfg).stateDir}`,

  async install(cfg, log) {
    const version = cfg.versions.ferretdb;
    return ensureInstalled({
      cacheDir: cfg.cacheDir,
      name: `ferretdb-${version}`,
      relocatable: true,
      isInstalled: (dir) => fs.existsSync(path.join(dir, 'ferretdb')),
      checkBuildTools: () =>
        requireCommand({
          command: 'go',
          args: ['version'],
          code: InfraErrorCode.GO_MISSING,
          message: 'Installing FerretDB needs the Go toolchain (go not found on PATH).',
          hint: 'Install Go 1.24+ (https://go.dev/doc/install or apt-get install golang) — needed once: the binary is then cached.',
        }),
      build: (dir, logFile) => buildFerretDb(version, dir, logFile),
      announce: `store: building FerretDB ${version} with Go (first run, ~80 s)...`,
      log,
    });
  },

  async prepare({ cfg, installDir }) {
    const { dir, dataDir, stateDir } = files(cfg);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(stateDir, { recursive: true });
    return {
      command: path.join(installDir, 'ferretdb'),
      args: [
        '--handler=sqlite',
        // FerretDB wants an existing directory and a trailing slash.
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=${cfg.store.host}:${cfg.store.port}`,
        `--state-dir=${stateDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      cwd: dir,
      env: { ...process.env, GOGC: String(cfg.store.goGc) },
    };
  },

  startupProbe: probe,
  probe,

  envValues: (cfg) => ({ MONGODB_URI: `mongodb://${cfg.store.host}:${cfg.store.port}/` }),
};

module.exports = { storePart };

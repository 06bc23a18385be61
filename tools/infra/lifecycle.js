'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { config } = require('./config');
const { InfraError, InfraErrorCode } = require('./infra.exception');
const { withLock } = require('./lock');
const { parseEnvFile, updateEnvFile } = require('./env-file');
const { rotateLog, readLog, logTail } = require('./log-file');
const { isPortFree, waitPortFree } = require('./net-probe');
const {
  sleep,
  readCmdline,
  inspectPidFile,
  writePidFile,
  removePidFile,
  spawnDetached,
  stopProcess,
} = require('./process-control');
const { kafkaPart } = require('./kafka/kafka.part');
const { storePart } = require('./store/store.part');
const { awsPart } = require('./aws/aws.part');

/**
 * @typedef {'kafka' | 'store' | 'aws'} PartName
 * @typedef {import('./config').InfraConfig} InfraConfig
 * @typedef {import('./net-probe').ProbeResult} ProbeResult
 * @typedef {(line: string) => void} Log
 */

/**
 * @typedef {Object} LaunchSpec
 * @property {string} command
 * @property {string[]} args
 * @property {string} cwd
 * @property {NodeJS.ProcessEnv} env
 */

/**
 * One local server. Parts know how to install, configure and probe themselves; this file owns the
 * process lifecycle, locking, pid files and the env file.
 * @typedef {Object} Part
 * @property {PartName} name
 * @property {string[]} envKeys keys this part contributes to the env file
 * @property {(cfg: InfraConfig) => Array<{host: string, port: number, variable: string}>} ports first = client port
 * @property {(cfg: InfraConfig) => number} readyTimeoutMs
 * @property {(cfg: InfraConfig) => string[]} dataDirs deleted by `down --wipe`
 * @property {(cfg: InfraConfig) => string} marker substring of the server's command line
 * @property {(cfg: InfraConfig, log: Log) => Promise<string>} install returns the install dir in the cache
 * @property {(ctx: {cfg: InfraConfig, installDir: string, logFile: string, log: Log}) => Promise<LaunchSpec>} prepare
 * @property {RegExp} [readyLogPattern] must appear in the log before the startup probe counts
 * @property {(cfg: InfraConfig) => Promise<ProbeResult>} startupProbe
 * @property {(cfg: InfraConfig) => Promise<ProbeResult>} probe full health, used by status and for reuse
 * @property {(cfg: InfraConfig, ctx: {log: Log}) => Promise<void>} [afterReady]
 * @property {(cfg: InfraConfig) => Record<string, string>} envValues
 */

/** @type {Record<PartName, Part>} */
const PARTS = { kafka: kafkaPart, store: storePart, aws: awsPart };
/** @type {PartName[]} */
const PART_NAMES = ['kafka', 'store', 'aws'];

/** Installs (go install: minutes on 2 cores) run while the start lock is held. */
const START_LOCK_TIMEOUT_MS = 25 * 60_000;
/** A part that is ours but does not answer within this time is restarted instead of reused. */
const REUSE_PROBE_WINDOW_MS = 5_000;

/** @type {Log} */
const stderrLog = (line) => {
  process.stderr.write(`[infra] ${line}\n`);
};

/**
 * @param {string[] | undefined} parts
 * @returns {PartName[]}
 */
function resolveParts(parts) {
  if (!parts || parts.length === 0) return [...PART_NAMES];
  for (const name of parts) {
    if (!PART_NAMES.includes(/** @type {PartName} */ (name))) {
      throw new InfraError(InfraErrorCode.UNKNOWN_PART, `Unknown part "${name}".`, {
        hint: `Parts are: ${PART_NAMES.join(', ')}.`,
      });
    }
  }
  return PART_NAMES.filter((name) => parts.includes(name));
}

/**
 * @param {InfraConfig} cfg
 * @param {PartName} name
 */
function partFiles(cfg, name) {
  const dir = path.join(cfg.infraDir, name);
  return {
    dir,
    pidFile: path.join(dir, 'pid'),
    logFile: path.join(dir, `${name}.log`),
    lockDir: path.join(dir, 'start.lock'),
  };
}

/** @param {number} startedAt */
const seconds = (startedAt) => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @returns {Promise<ProbeResult>}
 */
async function probeWithRetry(part, cfg) {
  const deadline = Date.now() + Math.min(REUSE_PROBE_WINDOW_MS, part.readyTimeoutMs(cfg));
  for (;;) {
    const result = await part.probe(cfg);
    if (result.ok || Date.now() > deadline) return result;
    await sleep(500);
  }
}

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @returns {number[]}
 */
const configuredPorts = (part, cfg) => part.ports(cfg).map(({ port }) => port);

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {import('./process-control').PidRecord} record
 * @returns {string | null} why the running server does not match the current settings, null when it does
 */
function settingsMismatch(part, cfg, record) {
  const wanted = configuredPorts(part, cfg);
  if (record.ports.join(',') === wanted.join(',')) return null;
  const variables = part
    .ports(cfg)
    .map(({ variable }) => variable)
    .join('/');
  return `started on port ${record.ports.join('/')}, but ${variables} is now ${wanted.join('/')}`;
}

/**
 * Stops a process recorded in a pid file we already verified, and waits for its ports.
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {import('./process-control').PidRecord} record
 * @param {Log} log
 */
async function terminate(part, cfg, record, log) {
  const { pid } = record;
  const outcome = await stopProcess(pid);
  if (outcome === 'survived') {
    throw new InfraError(InfraErrorCode.STOP_FAILED, `${part.name}: pid ${pid} survived SIGKILL.`, {
      hint: 'Check for a stuck process (D state) with ps; a reboot may be needed.',
    });
  }
  removePidFile(partFiles(cfg, part.name).pidFile);
  if (outcome === 'killed') log(`${part.name}: pid ${pid} ignored SIGTERM for 15 s and was killed`);
  const host = part.ports(cfg)[0].host;
  for (const port of record.ports) {
    if (!(await waitPortFree(host, port, 10_000))) {
      log(`${part.name}: warning: port ${port} is still in use after pid ${pid} ended`);
    }
  }
}

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {number[]} [ownPorts] ports held by our own server that is about to be restarted
 */
async function assertPortsFree(part, cfg, ownPorts = []) {
  for (const { host, port, variable } of part.ports(cfg)) {
    if (!ownPorts.includes(port) && !(await isPortFree(host, port))) {
      throw new InfraError(
        InfraErrorCode.PORT_IN_USE,
        `${part.name}: port ${port} (${variable}) on ${host} is already in use by a process that ${cfg.infraDir} did not start.`,
        {
          hint: `Stop that process (find it with: ss -ltnp 'sport = :${port}') or set ${variable} to a free port.`,
          details: { part: part.name, port, variable },
        },
      );
    }
  }
}

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} startedAt
 * @returns {Promise<void>}
 */
async function waitUntilReady(part, cfg, child, startedAt) {
  const { logFile } = partFiles(cfg, part.name);
  /** @type {string | null} */
  let exit = null;
  child.once('exit', (code, signal) => {
    exit = signal ?? `exit code ${code}`;
  });
  const timeoutMs = part.readyTimeoutMs(cfg);
  let last = 'not probed yet';
  while (Date.now() - startedAt < timeoutMs) {
    if (exit !== null) {
      throw new InfraError(
        InfraErrorCode.EXITED_EARLY,
        `${part.name}: the server exited during start-up (${exit}). Last lines of ${logFile}:\n${logTail(logFile)}`,
        { details: { part: part.name, logFile } },
      );
    }
    if (!part.readyLogPattern || part.readyLogPattern.test(readLog(logFile))) {
      const result = await part.startupProbe(cfg);
      if (result.ok) return;
      last = result.detail;
    } else {
      last = `waiting for ${part.readyLogPattern.source} in the log`;
    }
    await sleep(250);
  }
  throw new InfraError(
    InfraErrorCode.READY_TIMEOUT,
    `${part.name}: not ready after ${timeoutMs / 1000} s (${last}). Last lines of ${logFile}:\n${logTail(logFile)}`,
    {
      hint: `Raise ${part.name.toUpperCase()}_READY_TIMEOUT_S on a slow machine, or read the whole log.`,
      details: { part: part.name, logFile },
    },
  );
}

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {Log} log
 * @returns {Promise<{name: PartName, started: boolean}>}
 */
async function upPart(part, cfg, log) {
  const files = partFiles(cfg, part.name);
  fs.mkdirSync(files.dir, { recursive: true });
  return withLock(
    files.lockDir,
    { what: `another start of ${part.name}`, timeoutMs: START_LOCK_TIMEOUT_MS, log },
    async () => {
      const current = inspectPidFile(files.pidFile);
      if (current.state === 'running' && current.record) {
        const mismatch = settingsMismatch(part, cfg, current.record);
        const health = mismatch === null ? await probeWithRetry(part, cfg) : { ok: false, detail: mismatch };
        if (health.ok) {
          log(`${part.name}: already running (pid ${current.record.pid}), reused`);
          return { name: part.name, started: false };
        }
        // Checked before stopping ours, so a taken new port does not leave the part down.
        await assertPortsFree(part, cfg, current.record.ports);
        const why = mismatch ? `, ${mismatch}` : ` but unhealthy (${health.detail})`;
        log(`${part.name}: running (pid ${current.record.pid})${why}; restarting`);
        await terminate(part, cfg, current.record, log);
      } else if (current.state === 'stale') {
        const why = current.record ? `pid ${current.record.pid} is not our server any more` : 'unreadable';
        log(`${part.name}: removing stale pid file (${why})`);
        removePidFile(files.pidFile);
      }

      await assertPortsFree(part, cfg);
      const installDir = await part.install(cfg, log);
      rotateLog(files.logFile);
      const spec = await part.prepare({ cfg, installDir, logFile: files.logFile, log });
      log(`${part.name}: starting...`);
      const startedAt = Date.now();
      const child = await spawnDetached({ ...spec, logFile: files.logFile }).catch((error) => {
        throw new InfraError(
          InfraErrorCode.START_FAILED,
          `${part.name}: cannot run ${spec.command}: ${error.message}.`,
        );
      });
      const pid = /** @type {number} */ (child.pid);
      const cmdMarker = part.marker(cfg);
      const cmdline = readCmdline(pid);
      if (cmdline !== '' && !cmdline.includes(cmdMarker)) {
        // A marker that never matches would make every later `down` leave this server running.
        await stopProcess(pid);
        throw new InfraError(
          InfraErrorCode.START_FAILED,
          `${part.name}: command line of pid ${pid} lacks "${cmdMarker}".`,
        );
      }
      const record = {
        pid,
        startedAt: new Date(startedAt).toISOString(),
        cmdMarker,
        ports: configuredPorts(part, cfg),
      };
      writePidFile(files.pidFile, record);
      try {
        await waitUntilReady(part, cfg, child, startedAt);
        await part.afterReady?.(cfg, { log });
      } catch (error) {
        await terminate(part, cfg, record, () => {}).catch(() => {});
        throw error;
      }
      log(
        `${part.name}: ready on ${part.ports(cfg)[0].host}:${part.ports(cfg)[0].port} (${seconds(startedAt)})`,
      );
      return { name: part.name, started: true };
    },
  );
}

/**
 * @param {Part} part
 * @param {InfraConfig} cfg
 * @param {{wipe: boolean, log: Log}} options
 * @returns {Promise<boolean>} true when a running server was stopped
 */
async function downPart(part, cfg, { wipe, log }) {
  const files = partFiles(cfg, part.name);
  if (!fs.existsSync(files.dir)) {
    log(`${part.name}: not running`);
    return false;
  }
  return withLock(
    files.lockDir,
    { what: `a start of ${part.name}`, timeoutMs: START_LOCK_TIMEOUT_MS, log },
    async () => {
      const current = inspectPidFile(files.pidFile);
      let stopped = false;
      if (current.state === 'running' && current.record) {
        const startedAt = Date.now();
        await terminate(part, cfg, current.record, log);
        log(`${part.name}: stopped pid ${current.record.pid} (${seconds(startedAt)})`);
        stopped = true;
      } else if (current.state === 'stale') {
        removePidFile(files.pidFile);
        log(`${part.name}: not running (removed stale pid file)`);
      } else {
        log(`${part.name}: not running`);
      }
      if (wipe) {
        for (const dir of part.dataDirs(cfg)) fs.rmSync(dir, { recursive: true, force: true });
        if (part.dataDirs(cfg).length > 0) log(`${part.name}: data wiped`);
      }
      return stopped;
    },
  );
}

/**
 * @param {InfraConfig} cfg
 * @param {Log} log
 * @param {{set?: Record<string, string>, remove?: string[]}} change
 * @returns {Promise<Record<string, string>>}
 */
function changeEnvFile(cfg, log, change) {
  return withLock(
    path.join(cfg.infraDir, 'env.lock'),
    { what: 'the env file', timeoutMs: 30_000, log },
    async () => updateEnvFile(cfg.envFile, change),
  );
}

/**
 * @typedef {Object} UpResult
 * @property {PartName[]} started parts this call started (stop only these when you are done)
 * @property {PartName[]} reused parts that were already running and healthy
 * @property {Record<string, string>} env the env file's content after this call
 * @property {string} envFile
 */

/**
 * Installs (once per machine) and starts the requested parts, waits until each answers its protocol,
 * and writes the env file. If a part fails, the parts this call started are stopped again.
 * @param {{parts?: string[], log?: Log}} [options]
 * @returns {Promise<UpResult>}
 */
async function up({ parts, log = stderrLog } = {}) {
  const cfg = config();
  const names = resolveParts(parts);
  fs.mkdirSync(cfg.infraDir, { recursive: true });
  const outcomes = await Promise.allSettled(names.map((name) => upPart(PARTS[name], cfg, log)));

  /** @type {PartName[]} */
  const started = [];
  /** @type {PartName[]} */
  const reused = [];
  /** @type {unknown[]} */
  const failures = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') failures.push(outcome.reason);
    else (outcome.value.started ? started : reused).push(outcome.value.name);
  }
  if (failures.length > 0) {
    for (const failure of failures.slice(1)) {
      if (failure instanceof InfraError) {
        log(
          `also failed, ${failure.code}: ${failure.message}${failure.hint ? ` (hint: ${failure.hint})` : ''}`,
        );
      } else {
        log(`also failed: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
    }
    for (const name of started) {
      log(`${name}: stopping again because another part failed`);
      await downPart(PARTS[name], cfg, { wipe: false, log }).catch(() => false);
    }
    throw failures[0];
  }

  /** @type {Record<string, string>} */
  const values = {};
  for (const name of names) Object.assign(values, PARTS[name].envValues(cfg));
  const env = await changeEnvFile(cfg, log, { set: values });
  return { started, reused, env, envFile: cfg.envFile };
}

/**
 * Stops the requested parts (only processes recorded in our pid files that still run our command line)
 * and removes their keys from the env file.
 * @param {{parts?: string[], wipe?: boolean, log?: Log}} [options]
 * @returns {Promise<{stopped: PartName[]}>}
 */
async function down({ parts, wipe = false, log = stderrLog } = {}) {
  const cfg = config();
  const names = resolveParts(parts);
  const results = await Promise.all(names.map((name) => downPart(PARTS[name], cfg, { wipe, log })));
  if (fs.existsSync(cfg.envFile)) {
    await changeEnvFile(cfg, log, { remove: names.flatMap((name) => PARTS[name].envKeys) });
  }
  return { stopped: names.filter((_, index) => results[index]) };
}

/**
 * @typedef {Object} PartStatus
 * @property {PartName} part
 * @property {'running' | 'stopped' | 'stale'} state
 * @property {number | null} pid
 * @property {number} port
 * @property {boolean} ready
 * @property {string} detail
 */

/**
 * Read-only: never starts, stops or cleans anything.
 * @param {{parts?: string[]}} [options]
 * @returns {Promise<{ready: boolean, parts: PartStatus[]}>}
 */
async function status({ parts } = {}) {
  const cfg = config();
  const names = resolveParts(parts);
  const rows = await Promise.all(
    names.map(async (name) => {
      const part = PARTS[name];
      const { state, record } = inspectPidFile(partFiles(cfg, name).pidFile);
      const { host, port, variable } = part.ports(cfg)[0];
      let detail = '';
      let ready = false;
      const mismatch = state === 'running' && record ? settingsMismatch(part, cfg, record) : null;
      if (mismatch) {
        detail = `${mismatch}: run up to restart it`;
      } else if (state === 'running') {
        const result = await part.probe(cfg);
        ready = result.ok;
        detail = result.detail;
      } else if (!(await isPortFree(host, port))) {
        detail = `port ${port} (${variable}) is used by another process`;
      } else if (state === 'stale') {
        detail = record ? `pid ${record.pid} is not our server any more` : 'unreadable pid file';
      }
      return { part: name, state, pid: record?.pid ?? null, port, ready, detail };
    }),
  );
  return { ready: rows.every((row) => row.ready), parts: rows };
}

/**
 * The env file as key/value pairs ({} when `up` never ran).
 * @returns {Record<string, string>}
 */
function readEnvFile() {
  return parseEnvFile(config().envFile);
}

module.exports = { up, down, status, readEnvFile, PART_NAMES };

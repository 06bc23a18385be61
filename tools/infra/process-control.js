'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

/**
 * @typedef {Object} PidRecord
 * @property {number} pid
 * @property {string} startedAt ISO timestamp
 * @property {string} cmdMarker substring of /proc/<pid>/cmdline that identifies our server
 * @property {number[]} ports the ports it was started on (settings may change between runs)
 */

/**
 * @typedef {Object} ProcessState
 * @property {'running' | 'stopped' | 'stale'} state stale = pid file whose process is gone or is no longer ours
 * @property {PidRecord | null} record
 */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {number} pid
 * @returns {boolean} false for dead and zombie processes
 */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EPERM') return false;
  }
  try {
    // "pid (comm) S ..." — comm may contain spaces and parentheses, the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * @param {number} pid
 * @returns {string} argv joined by spaces, '' when unreadable
 */
function readCmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * @param {string} pidFile
 * @returns {PidRecord | null} null when missing or unreadable
 */
function readPidFile(pidFile) {
  try {
    const record = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
    if (!Number.isInteger(record.pid) || record.pid <= 1 || typeof record.cmdMarker !== 'string') return null;
    if (!Array.isArray(record.ports)) return null;
    return record;
  } catch {
    return null;
  }
}

/**
 * @param {string} pidFile
 * @param {PidRecord} record
 */
function writePidFile(pidFile, record) {
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  const tmp = `${pidFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  fs.renameSync(tmp, pidFile);
}

/** @param {string} pidFile */
function removePidFile(pidFile) {
  fs.rmSync(pidFile, { force: true });
}

/**
 * A pid file only counts when its process is alive AND still runs our command line, so a pid reused by
 * an unrelated process after a reboot or crash is never signalled.
 * @param {string} pidFile
 * @returns {ProcessState}
 */
function inspectPidFile(pidFile) {
  if (!fs.existsSync(pidFile)) return { state: 'stopped', record: null };
  const record = readPidFile(pidFile);
  if (!record) return { state: 'stale', record: null };
  const ours = isAlive(record.pid) && readCmdline(record.pid).includes(record.cmdMarker);
  return { state: ours ? 'running' : 'stale', record };
}

/**
 * Starts a server in its own process group with output appended to `logFile`; it outlives this process.
 * @param {{command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string}} spec
 * @returns {Promise<import('node:child_process').ChildProcess>} resolves once the OS has created the process
 */
function spawnDetached({ command, args, cwd, env, logFile }) {
  const logFd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', logFd, logFd] });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        child.unref();
        resolve(child);
      });
      child.once('error', reject);
    });
  } finally {
    fs.closeSync(logFd);
  }
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  // Detached children lead their own process group; signalling the group also reaches any helper they forked.
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * @param {number} pid
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} true when the process ended in time
 */
async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * SIGTERM, then SIGKILL after `graceMs`.
 * @param {number} pid
 * @param {number} [graceMs]
 * @returns {Promise<'terminated' | 'killed' | 'survived'>}
 */
async function stopProcess(pid, graceMs = 15_000) {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'terminated';
  signalGroup(pid, 'SIGKILL');
  return (await waitForExit(pid, 5_000)) ? 'killed' : 'survived';
}

module.exports = {
  sleep,
  isAlive,
  readCmdline,
  readPidFile,
  writePidFile,
  removePidFile,
  inspectPidFile,
  spawnDetached,
  stopProcess,
};

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { InfraError, InfraErrorCode } = require('./infra.exception');
const { withLock } = require('./lock');
const { logTail } = require('./log-file');

const INSTALL_LOCK_TIMEOUT_MS = 20 * 60_000;

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {{found: boolean, output: string}}
 */
function probeCommand(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error && /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT') {
    return { found: false, output: '' };
  }
  return { found: true, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/**
 * @param {{command: string, args: string[], code: string, message: string, hint: string}} requirement
 * @returns {string} the command's version output
 */
function requireCommand({ command, args, code, message, hint }) {
  const { found, output } = probeCommand(command, args);
  if (!found) throw new InfraError(code, message, { hint, details: { command } });
  return output;
}

/** Fails unless `java` on PATH is version 17 or newer (Kafka 4.x requirement). */
function requireJava17() {
  const hint = 'apt-get install openjdk-17-jre-headless (or put a JDK 17+ bin directory first on PATH)';
  const output = requireCommand({
    command: 'java',
    args: ['-version'],
    code: InfraErrorCode.JAVA_MISSING,
    message: 'Kafka needs Java 17+ (java not found on PATH).',
    hint,
  });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= 17)) {
    throw new InfraError(
      InfraErrorCode.JAVA_TOO_OLD,
      `Kafka needs Java 17+, but java on PATH reports: ${output.split('\n')[0].trim()}.`,
      { hint },
    );
  }
}

/**
 * Runs a one-shot step (install, storage format) with its output appended to `logFile`
 * (stdout goes to `stdoutFile` instead when given).
 * @param {{command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string, logFile: string, stdoutFile?: string, what: string, hint: string, code?: string}} step
 * @returns {Promise<void>}
 */
function runStep({
  command,
  args,
  env,
  cwd,
  logFile,
  stdoutFile,
  what,
  hint,
  code = InfraErrorCode.INSTALL_FAILED,
}) {
  fs.appendFileSync(logFile, `\n$ ${command} ${args.join(' ')}\n`);
  const logFd = fs.openSync(logFile, 'a');
  const stdoutFd = stdoutFile ? fs.openSync(stdoutFile, 'w') : logFd;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, cwd, stdio: ['ignore', stdoutFd, logFd] });
    fs.closeSync(logFd);
    if (stdoutFd !== logFd) fs.closeSync(stdoutFd);
    child.once('error', (error) =>
      reject(new InfraError(code, `${what} could not start: ${error.message}.`, { hint })),
    );
    child.once('exit', (exitCode, signal) => {
      if (exitCode === 0) return resolve();
      reject(
        new InfraError(
          code,
          `${what} failed (${signal ?? `exit code ${exitCode}`}). Last lines of ${logFile}:\n${logTail(logFile)}`,
          { hint, details: { logFile } },
        ),
      );
    });
  });
}

/**
 * @typedef {Object} InstallSpec
 * @property {string} cacheDir
 * @property {string} name directory name inside the cache, versioned (e.g. kafka-4.1.2)
 * @property {boolean} relocatable true: built in a temp dir and renamed into place. false (Python venvs
 *   embed their own path in scripts): built in place and marked complete by a `.complete` file.
 * @property {(dir: string) => boolean} isInstalled checks the files the part needs
 * @property {(dir: string, logFile: string) => Promise<void>} build
 * @property {() => void} [checkBuildTools] throws a clear error when a build tool is missing
 * @property {string} announce progress line printed before a build
 * @property {(line: string) => void} log
 */

/**
 * Installs once per machine into the shared cache. An install interrupted half-way is never mistaken
 * for a complete one and is redone on the next call.
 * @param {InstallSpec} spec
 * @returns {Promise<string>} the installed directory
 */
async function ensureInstalled(spec) {
  const finalDir = path.join(spec.cacheDir, spec.name);
  const complete = () =>
    (spec.relocatable || fs.existsSync(path.join(finalDir, '.complete'))) && spec.isInstalled(finalDir);
  if (complete()) return finalDir;

  fs.mkdirSync(spec.cacheDir, { recursive: true });
  const lockDir = path.join(spec.cacheDir, `${spec.name}.lock`);
  return withLock(
    lockDir,
    { what: `the install of ${spec.name}`, timeoutMs: INSTALL_LOCK_TIMEOUT_MS, log: spec.log },
    async () => {
      if (complete()) return finalDir;
      spec.checkBuildTools?.();
      for (const entry of fs.readdirSync(spec.cacheDir)) {
        if (entry.startsWith(`${spec.name}.tmp-`))
          fs.rmSync(path.join(spec.cacheDir, entry), { recursive: true, force: true });
      }
      fs.rmSync(finalDir, { recursive: true, force: true });

      spec.log(spec.announce);
      const startedAt = Date.now();
      const workDir = spec.relocatable
        ? path.join(spec.cacheDir, `${spec.name}.tmp-${process.pid}`)
        : finalDir;
      const logFile = path.join(spec.cacheDir, `${spec.name}.install.log`);
      fs.writeFileSync(logFile, `install of ${spec.name} started ${new Date().toISOString()}\n`);
      fs.mkdirSync(workDir, { recursive: true });
      try {
        await spec.build(workDir, logFile);
        if (!spec.isInstalled(workDir)) {
          throw new InfraError(
            InfraErrorCode.INSTALL_FAILED,
            `The install of ${spec.name} finished but the expected files are missing in ${workDir}. See ${logFile}.`,
            { details: { logFile } },
          );
        }
        if (spec.relocatable) fs.renameSync(workDir, finalDir);
        else fs.writeFileSync(path.join(finalDir, '.complete'), `${new Date().toISOString()}\n`);
      } catch (error) {
        fs.rmSync(workDir, { recursive: true, force: true });
        throw error;
      }
      spec.log(`installed ${finalDir} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      return finalDir;
    },
  );
}

module.exports = { probeCommand, requireCommand, requireJava17, runStep, ensureInstalled };

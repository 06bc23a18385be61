'use strict';

// The only file of tools/infra that reads process.env for settings.

const os = require('node:os');
const path = require('node:path');
const { InfraError, InfraErrorCode } = require('./infra.exception');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LOOPBACK = '127.0.0.1';

/** Versions are pinned here and nowhere else; the cache directory names derive from them. */
const VERSIONS = Object.freeze({ kafka: '4.1.2', ferretdb: 'v1.24.2', moto: '5.2.5' });

/**
 * @typedef {Object} InfraConfig
 * @property {string} repoRoot
 * @property {string} cacheDir installs shared by every clone on the machine
 * @property {string} infraDir data dirs, logs, pid files and the env file of this clone
 * @property {string} envFile
 * @property {{kafka: string, ferretdb: string, moto: string}} versions
 * @property {{host: string, port: number, controllerPort: number, readyTimeoutMs: number}} kafka
 * @property {{host: string, port: number, readyTimeoutMs: number, goGc: number}} store
 * @property {{host: string, port: number, region: string, readyTimeoutMs: number}} aws
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function readPort(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InfraError(InfraErrorCode.INVALID_CONFIG, `${name}=${raw} is not a TCP port.`, {
      hint: `Set ${name} to an integer between 1 and 65535, or unset it to use ${fallback}.`,
      details: { variable: name },
    });
  }
  return value;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallbackSeconds
 * @returns {number} milliseconds
 */
function readTimeout(env, name, fallbackSeconds) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallbackSeconds * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InfraError(
      InfraErrorCode.INVALID_CONFIG,
      `${name}=${raw} is not a positive number of seconds.`,
      {
        hint: `Set ${name} to e.g. ${fallbackSeconds}, or unset it.`,
        details: { variable: name },
      },
    );
  }
  return Math.round(value * 1000);
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @returns {number}
 */
function readInteger(env, name, fallback, min) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min) {
    throw new InfraError(InfraErrorCode.INVALID_CONFIG, `${name}=${raw} is not an integer of at least ${min}.`, {
      hint: `Set ${name} to e.g. ${fallback}, or unset it.`,
      details: { variable: name },
    });
  }
  return value;
}

/**
 * Resolves ports, directories and timeouts from the environment (all variables optional).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {InfraConfig}
 */
function config(env = process.env) {
  const home = env.HOME || os.homedir();
  const cacheDir = path.resolve(env.S3C_CACHE_DIR || path.join(home, '.cache', 's3-connector'));
  const infraDir = path.resolve(env.S3C_INFRA_DIR || path.join(REPO_ROOT, '.infra'));
  const region = env.AWS_REGION || 'eu-west-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InfraError(InfraErrorCode.INVALID_CONFIG, `AWS_REGION=${region} is not an AWS region name.`, {
      hint: 'Use a region such as eu-west-1, or unset AWS_REGION.',
      details: { variable: 'AWS_REGION' },
    });
  }

  const ports = {
    KAFKA_PORT: readPort(env, 'KAFKA_PORT', 9092),
    KAFKA_CONTROLLER_PORT: readPort(env, 'KAFKA_CONTROLLER_PORT', 9093),
    STORE_PORT: readPort(env, 'STORE_PORT', 27017),
    AWS_PORT: readPort(env, 'AWS_PORT', 4566),
  };
  /** @type {Map<number, string>} */
  const seen = new Map();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) {
      throw new InfraError(InfraErrorCode.INVALID_CONFIG, `${name} and ${other} are both ${port}.`, {
        hint: `Give each of KAFKA_PORT, KAFKA_CONTROLLER_PORT, STORE_PORT and AWS_PORT its own port.`,
        details: { variable: name },
      });
    }
    seen.set(port, name);
  }

  return {
    repoRoot: REPO_ROOT,
    cacheDir,
    infraDir,
    envFile: path.join(infraDir, 'env'),
    versions: { ...VERSIONS },
    kafka: {
      host: LOOPBACK,
      port: ports.KAFKA_PORT,
      controllerPort: ports.KAFKA_CONTROLLER_PORT,
      readyTimeoutMs: readTimeout(env, 'KAFKA_READY_TIMEOUT_S', 90),
    },
    store: {
      host: LOOPBACK,
      port: ports.STORE_PORT,
      readyTimeoutMs: readTimeout(env, 'STORE_READY_TIMEOUT_S', 30),
      // FerretDB's Go garbage collector target: at Go's default (100) a third of its CPU during bulk writes
      // is garbage collection; 400 cuts its CPU per stored record by ~37 % for ~70 MB more memory
      // (docs/performance.md, "Store evidence").
      goGc: readInteger(env, 'STORE_GOGC', 400, 25),
    },
    aws: {
      host: LOOPBACK,
      port: ports.AWS_PORT,
      region,
      readyTimeoutMs: readTimeout(env, 'AWS_READY_TIMEOUT_S', 30),
    },
  };
}

module.exports = { config, VERSIONS };

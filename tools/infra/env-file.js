'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Order of the lines in the env file; unknown keys (written by someone else) follow, sorted. */
const KEY_ORDER = [
  'KAFKA_BROKERS',
  'MONGODB_URI',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'PLATFORM_AWS_ACCESS_KEY_ID',
  'PLATFORM_AWS_SECRET_ACCESS_KEY',
  'PLATFORM_AWS_ACCOUNT_ID',
  'CREDENTIAL_BROKER_KMS_KEY_ID',
];

/**
 * Parses KEY=VALUE lines (comments and blank lines ignored). Missing file → {}.
 * @param {string} file
 * @returns {Record<string, string>}
 */
function parseEnvFile(file) {
  /** @type {Record<string, string>} */
  const values = {};
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return values;
    throw error;
  }
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2].trim();
  }
  return values;
}

/**
 * Replaces the file atomically with mode 0600 (it holds access keys).
 * @param {string} file
 * @param {Record<string, string>} values
 */
function writeEnvFile(file, values) {
  const known = KEY_ORDER.filter((key) => key in values);
  const others = Object.keys(values)
    .filter((key) => !KEY_ORDER.includes(key))
    .sort();
  const lines = [
    `# Written by tools/infra (node tools/infra/cli.js up). Load into a shell with: set -a; . ${file}; set +a`,
    ...[...known, ...others].map((key) => `${key}=${values[key]}`),
  ];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * @param {string} file
 * @param {{set?: Record<string, string>, remove?: string[]}} change
 * @returns {Record<string, string>} the new content; the file is deleted when nothing is left
 */
function updateEnvFile(file, { set = {}, remove = [] }) {
  const values = parseEnvFile(file);
  for (const key of remove) delete values[key];
  Object.assign(values, set);
  if (Object.keys(values).length === 0) fs.rmSync(file, { force: true });
  else writeEnvFile(file, values);
  return values;
}

module.exports = { parseEnvFile, updateEnvFile };

#!/usr/bin/env node
'use strict';

const fs = require('node:fs');
const { up, down, status, config, PART_NAMES, InfraError } = require('./index');

const USAGE = `Usage: node tools/infra/cli.js <command> [${PART_NAMES.join('|')} ...]

Commands:
  up              install (first run only) and start the parts, wait until they answer, write the env file
  down [--wipe]   stop the parts started from this checkout; --wipe also deletes their data
  status          show each part's state; exit code 0 when all are ready, 3 otherwise
  env             print the env file (KEY=VALUE lines)

No part names means all of them. Settings (env vars): S3C_CACHE_DIR, S3C_INFRA_DIR, KAFKA_PORT,
KAFKA_CONTROLLER_PORT, STORE_PORT, AWS_PORT, AWS_REGION, KAFKA_READY_TIMEOUT_S, STORE_READY_TIMEOUT_S,
AWS_READY_TIMEOUT_S. See tools/infra/README.md.`;

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_NOT_READY = 3;

/** @param {string} line */
const info = (line) => process.stderr.write(`[infra] ${line}\n`);

/**
 * @param {Array<Record<string, string>>} rows
 * @returns {string}
 */
function table(rows) {
  const columns = Object.keys(rows[0]);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.toUpperCase())),
    ...rows.map((row) => line(columns.map((column) => row[column]))),
  ].join('\n');
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
async function main(argv) {
  const [command, ...rest] = argv;
  const wipe = rest.includes('--wipe');
  const unknownFlag = rest.find((arg) => arg.startsWith('-') && arg !== '--wipe');
  const parts = rest.filter((arg) => !arg.startsWith('-'));
  if (unknownFlag || (wipe && command !== 'down')) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }

  switch (command) {
    case 'up': {
      const startedAt = Date.now();
      const result = await up({ parts });
      const summary = [
        result.started.length > 0 ? `started ${result.started.join(', ')}` : '',
        result.reused.length > 0 ? `reused ${result.reused.join(', ')}` : '',
      ].filter(Boolean);
      info(`up: ${summary.join('; ')} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      info(`env file: ${result.envFile} — load it with: set -a; . ${result.envFile}; set +a`);
      return 0;
    }
    case 'down': {
      await down({ parts, wipe });
      return 0;
    }
    case 'status': {
      const result = await status({ parts });
      const rows = result.parts.map((row) => ({
        part: row.part,
        state: row.state,
        pid: row.pid === null ? '-' : String(row.pid),
        port: String(row.port),
        ready: row.state === 'running' ? (row.ready ? 'yes' : 'NO') : '-',
        detail: row.detail,
      }));
      process.stdout.write(`${table(rows)}\n`);
      return result.ready ? 0 : EXIT_NOT_READY;
    }
    case 'env': {
      const { envFile } = config();
      if (!fs.existsSync(envFile)) {
        info(`no env file at ${envFile}: run "node tools/infra/cli.js up" first`);
        return EXIT_FAILURE;
      }
      process.stdout.write(fs.readFileSync(envFile, 'utf8'));
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof InfraError) {
      info(`error ${error.code}: ${error.message}`);
      if (error.hint) info(`hint: ${error.hint}`);
    } else {
      info(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    process.exitCode = EXIT_FAILURE;
  },
);

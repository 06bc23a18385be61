'use strict';

/**
 * Programmatic API of the local infrastructure (Kafka, FerretDB, moto), for Jest global setup and
 * tools/run.mjs. Node built-ins only: it runs before `npm ci`.
 */

const { config } = require('./config');
const { up, down, status, readEnvFile, PART_NAMES } = require('./lifecycle');
const { InfraError, InfraErrorCode } = require('./infra.exception');

module.exports = { up, down, status, readEnvFile, config, PART_NAMES, InfraError, InfraErrorCode };

'use strict';

/**
 * Stable error codes of the local infrastructure launcher. Callers (Jest global setup, tools/run.mjs)
 * branch on these, never on message text.
 * @readonly
 * @enum {string}
 */
const InfraErrorCode = Object.freeze({
  INVALID_CONFIG: 'INVALID_CONFIG',
  UNKNOWN_PART: 'UNKNOWN_PART',
  JAVA_MISSING: 'JAVA_MISSING',
  JAVA_TOO_OLD: 'JAVA_TOO_OLD',
  MAVEN_MISSING: 'MAVEN_MISSING',
  GO_MISSING: 'GO_MISSING',
  PYTHON_MISSING: 'PYTHON_MISSING',
  INSTALL_FAILED: 'INSTALL_FAILED',
  PORT_IN_USE: 'PORT_IN_USE',
  START_FAILED: 'START_FAILED',
  EXITED_EARLY: 'EXITED_EARLY',
  READY_TIMEOUT: 'READY_TIMEOUT',
  SEED_FAILED: 'SEED_FAILED',
  AUTH_NOT_ENFORCED: 'AUTH_NOT_ENFORCED',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  STOP_FAILED: 'STOP_FAILED',
});

/**
 * @typedef {Object} InfraErrorOptions
 * @property {string} [hint] what to do about it
 * @property {Record<string, unknown>} [details] machine-readable context (part, port, log file...)
 * @property {unknown} [cause]
 */

class InfraError extends Error {
  /**
   * @param {string} code one of InfraErrorCode
   * @param {string} message what happened and why
   * @param {InfraErrorOptions} [options]
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InfraError';
    /** @type {string} */
    this.code = code;
    /** @type {string | undefined} */
    this.hint = options.hint;
    /** @type {Record<string, unknown>} */
    this.details = options.details ?? {};
  }
}

module.exports = { InfraError, InfraErrorCode };

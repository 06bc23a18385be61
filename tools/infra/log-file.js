'use strict';

const fs = require('node:fs');

/**
 * Keeps the previous run's log as `<log>.1` so readiness checks only see lines of the current run.
 * @param {string} logFile
 */
function rotateLog(logFile) {
  if (fs.existsSync(logFile)) fs.renameSync(logFile, `${logFile}.1`);
}

/**
 * @param {string} logFile
 * @returns {string} '' when missing
 */
function readLog(logFile) {
  try {
    return fs.readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

/**
 * @param {string} logFile
 * @param {number} [lines]
 * @returns {string} the last lines, indented for embedding in an error message
 */
function logTail(logFile, lines = 30) {
  let text = '';
  try {
    const size = fs.statSync(logFile).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(logFile, 'r');
    try {
      fs.readSync(fd, buffer, 0, length, size - length);
    } finally {
      fs.closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return `    (no log at ${logFile})`;
  }
  const tail = text.trimEnd().split('\n').slice(-lines);
  if (tail.length === 0 || (tail.length === 1 && tail[0] === '')) return `    (${logFile} is empty)`;
  return tail.map((line) => `    ${line}`).join('\n');
}

/**
 * @param {string} logFile
 * @param {string} text
 */
function appendLog(logFile, text) {
  fs.appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
}

module.exports = { rotateLog, readLog, logTail, appendLog };

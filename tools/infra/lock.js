'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { InfraError, InfraErrorCode } = require('./infra.exception');
const { isAlive, sleep } = require('./process-control');

/** A lock directory without its owner file is only trusted for this long (the owner writes it right after mkdir). */
const OWNERLESS_GRACE_MS = 10_000;

/**
 * @param {string} lockDir
 * @returns {number | null} pid of the holder, null when unknown
 */
function readOwner(lockDir) {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
    return Number.isInteger(owner.pid) ? owner.pid : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} lockDir
 * @returns {boolean} true when the lock was left behind by a process that no longer exists
 */
function isAbandoned(lockDir) {
  const owner = readOwner(lockDir);
  if (owner !== null) return !isAlive(owner);
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs > OWNERLESS_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` while holding a lock directory (mkdir is atomic), so two concurrent `up`s (two terminals,
 * parallel Jest runs) never install into the same cache dir or start the same server twice.
 * A lock whose holder died (Ctrl-C, kill -9) is taken over.
 * @template T
 * @param {string} lockDir
 * @param {{what: string, timeoutMs: number, log: (line: string) => void}} options
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockDir, { what, timeoutMs, log }, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(
        path.join(lockDir, 'owner.json'),
        JSON.stringify({ pid: process.pid, at: new Date() }),
      );
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
    if (isAbandoned(lockDir)) {
      // Renaming first means only one of several waiters removes the abandoned lock.
      const aside = `${lockDir}.abandoned-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockDir, aside);
        fs.rmSync(aside, { recursive: true, force: true });
      } catch {
        // another waiter got there first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(
        InfraErrorCode.LOCK_TIMEOUT,
        `Gave up waiting for ${what}: ${lockDir} is held by pid ${readOwner(lockDir) ?? 'unknown'}.`,
        { hint: `If no other "infra up" is running, remove ${lockDir}.`, details: { lockDir } },
      );
    }
    if (!announced) {
      log(`waiting for ${what} (held by pid ${readOwner(lockDir) ?? 'unknown'})...`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

module.exports = { withLock };

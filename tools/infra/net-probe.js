'use strict';

const net = require('node:net');
const http = require('node:http');
const { sleep } = require('./process-control');

/**
 * @typedef {Object} ProbeResult
 * @property {boolean} ok
 * @property {string} detail one line for status tables and error messages (never a secret)
 */

/**
 * Tries to bind the port the way the servers will; a successful connect is not enough because a server
 * bound to another address would still block ours.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function isPortFree(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * @param {string} host
 * @param {number} port
 * @param {number} timeoutMs
 * @returns {Promise<boolean>}
 */
async function waitPortFree(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isPortFree(host, port)) return true;
    await sleep(200);
  }
  return isPortFree(host, port);
}

/**
 * Sends one request over a fresh TCP connection and resolves with the bytes received once `isComplete`
 * says the reply is whole.
 * @param {{host: string, port: number, request: Buffer, isComplete: (received: Buffer) => boolean, timeoutMs?: number}} options
 * @returns {Promise<Buffer>}
 */
function tcpExchange({ host, port, request, isComplete, timeoutMs = 2_000 }) {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete reply within ${timeoutMs} ms`)));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received)) {
        // A clean FIN, not a reset: FerretDB logs a warning for every connection reset by its peer.
        socket.end();
        resolve(received);
      }
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed before a complete reply')));
  });
}

/**
 * @param {{url: string, method?: string, headers?: Record<string, string>, body?: string, timeoutMs?: number}} options
 * @returns {Promise<{status: number, body: string}>}
 */
function httpRequest({ url, method = 'GET', headers = {}, body, timeoutMs = 5_000 }) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, timeout: timeoutMs }, (response) => {
      /** @type {Buffer[]} */
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function describeError(error) {
  if (error && typeof error === 'object' && 'code' in error && error.code === 'ECONNREFUSED') {
    return 'connection refused';
  }
  return error instanceof Error ? error.message : String(error);
}

module.exports = { isPortFree, waitPortFree, tcpExchange, httpRequest, describeError };

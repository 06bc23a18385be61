'use strict';

// Just enough AWS Signature V4 to check, from Node built-ins, that the seeded keys are accepted by moto.

const crypto = require('node:crypto');

/** @param {string | Buffer} data */
const sha256Hex = (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * @param {crypto.BinaryLike} key
 * @param {string} data
 */
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it. */
const encode = (/** @type {string} */ value) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * @typedef {Object} SignInput
 * @property {string} method
 * @property {string} url
 * @property {Record<string, string>} headers
 * @property {string} body
 * @property {string} service
 * @property {string} region
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 * @property {Date} [now]
 */

/**
 * @param {SignInput} input
 * @returns {Record<string, string>} the headers to send, Authorization included
 */
function signRequest({
  method,
  url,
  headers,
  body,
  service,
  region,
  accessKeyId,
  secretAccessKey,
  now = new Date(),
}) {
  const target = new URL(url);
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  /** @type {Record<string, string>} */
  const signed = { host: target.host, 'x-amz-date': amzDate };
  for (const [name, value] of Object.entries(headers)) signed[name.toLowerCase()] = value.trim();
  const names = Object.keys(signed).sort();
  const canonicalQuery = [...target.searchParams]
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    method,
    target.pathname || '/',
    canonicalQuery,
    names.map((name) => `${name}:${signed[name]}\n`).join(''),
    names.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = hmac(signingKey, stringToSign).toString('hex');
  return {
    ...signed,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

module.exports = { signRequest };

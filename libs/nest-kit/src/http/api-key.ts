import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `s3c_<keyId>_<secret>`: the id finds the key, the 256-bit secret proves it; only its hash is stored. */
const API_KEY_FORMAT = /^s3c_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  keyId: string;
  secretHash: string;
  /** Shown once to the admin, never stored. */
  token: string;
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function issueApiKey(): IssuedApiKey {
  const keyId = randomBytes(10).toString('hex').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretHash: hashApiKeySecret(secret), token: `s3c_${keyId}_${secret}` };
}

export function parseApiKey(token: string): { keyId: string; secret: string } | undefined {
  const match = API_KEY_FORMAT.exec(token);
  return match ? { keyId: match[1], secret: match[2] } : undefined;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function apiKeyMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

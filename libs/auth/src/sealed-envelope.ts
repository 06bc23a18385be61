import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { AuthErrorCode, AuthException } from './auth.exception';

export const SEALING_ALGORITHM = 'X25519-HKDF-SHA256-AES-256-GCM';

/** A sealed value, JSON-safe: every binary field is base64url. */
export interface SealedEnvelope {
  v: 1;
  alg: typeof SEALING_ALGORITHM;
  /** Key ID of the recipient's public key: who can open it. */
  kid: string;
  /** The sender's ephemeral X25519 public key (raw, 32 bytes). */
  epk: string;
  iv: string;
  ct: string;
  tag: string;
}

export interface SealingKeyPair {
  /** Base64 of the DER (SPKI) public key; publishable. */
  publicKey: string;
  /** Base64 of the DER (PKCS#8) private key; a secret. */
  privateKey: string;
  kid: string;
}

/** Additional data the envelope is bound to, e.g. `{ domain, connectionId, purpose }`. */
export type SealAad = string | Readonly<Record<string, string>>;

const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const HKDF_INFO = Buffer.from('ods-s3c/seal/v1');

function invalidKey(what: string): AuthException {
  return new AuthException(
    AuthErrorCode.INVALID_SEALING_KEY,
    `The ${what} is not an X25519 key (base64 of raw 32 bytes or DER).`,
  );
}

function openFailed(message: string, details?: Record<string, unknown>): AuthException {
  return new AuthException(AuthErrorCode.SEAL_OPEN_FAILED, message, {
    hint: 'The envelope was sealed for another key or context, or was altered in transit.',
    details,
  });
}

function toPublicKey(key: string | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    if (key.asymmetricKeyType !== 'x25519') {
      throw invalidKey('public key');
    }
    return key.type === 'private' ? createPublicKey(key) : key;
  }
  const bytes = Buffer.from(key, 'base64');
  const der = bytes.length === 32 ? Buffer.concat([SPKI_X25519_PREFIX, bytes]) : bytes;
  try {
    const publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (publicKey.asymmetricKeyType !== 'x25519') {
      throw invalidKey('public key');
    }
    return publicKey;
  } catch {
    throw invalidKey('public key');
  }
}

function toPrivateKey(key: string | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'private' || key.asymmetricKeyType !== 'x25519') {
      throw invalidKey('private key');
    }
    return key;
  }
  const bytes = Buffer.from(key, 'base64');
  const der = bytes.length === 32 ? Buffer.concat([PKCS8_X25519_PREFIX, bytes]) : bytes;
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (privateKey.asymmetricKeyType !== 'x25519') {
      throw invalidKey('private key');
    }
    return privateKey;
  } catch {
    throw invalidKey('private key');
  }
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519_PREFIX.length);
}

/** A short, stable identifier of a public key (base64url of the first 12 bytes of its SHA-256). */
export function sealingKeyId(publicKey: string | KeyObject): string {
  return createHash('sha256')
    .update(rawPublicKey(toPublicKey(publicKey)))
    .digest()
    .subarray(0, 12)
    .toString('base64url');
}

export function generateSealingKeyPair(): SealingKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    kid: sealingKeyId(publicKey),
  };
}

function canonicalAad(aad: SealAad | undefined): string {
  if (aad === undefined) {
    return '';
  }
  if (typeof aad === 'string') {
    return aad;
  }
  return JSON.stringify(
    Object.keys(aad)
      .sort()
      .map((name) => [name, aad[name]]),
  );
}

// The header fields are authenticated too: changing kid, epk or alg breaks the tag.
function gcmAad(
  envelope: Pick<SealedEnvelope, 'v' | 'alg' | 'kid' | 'epk'>,
  aad: SealAad | undefined,
): Buffer {
  return Buffer.from(
    JSON.stringify([envelope.v, envelope.alg, envelope.kid, envelope.epk, canonicalAad(aad)]),
  );
}

function deriveKey(sharedSecret: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', sharedSecret, Buffer.concat([ephemeralPublic, recipientPublic]), HKDF_INFO, 32),
  );
}

/**
 * Seals a value to a recipient's X25519 public key (ephemeral ECDH, HKDF-SHA256, AES-256-GCM).
 * Buffers are sealed as they are; anything else as JSON (open it with `openJson`).
 */
export function seal(
  plaintext: Buffer | Uint8Array | object,
  recipientPublicKey: string | KeyObject,
  aad?: SealAad,
): SealedEnvelope {
  const recipient = toPublicKey(recipientPublicKey);
  const recipientRaw = rawPublicKey(recipient);
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
  const key = deriveKey(
    diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }),
    ephemeralRaw,
    recipientRaw,
  );
  const header = {
    v: 1 as const,
    alg: SEALING_ALGORITHM as typeof SEALING_ALGORITHM,
    kid: sealingKeyId(recipient),
    epk: ephemeralRaw.toString('base64url'),
  };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(gcmAad(header, aad));
  const data =
    Buffer.isBuffer(plaintext) || plaintext instanceof Uint8Array
      ? Buffer.from(plaintext)
      : Buffer.from(JSON.stringify(plaintext), 'utf8');
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  key.fill(0);
  return {
    ...header,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

export function isSealedEnvelope(value: unknown): value is SealedEnvelope {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const envelope = value as Record<string, unknown>;
  return (
    envelope.v === 1 &&
    envelope.alg === SEALING_ALGORITHM &&
    ['kid', 'epk', 'iv', 'ct', 'tag'].every((field) => typeof envelope[field] === 'string')
  );
}

/** Opens an envelope; any mismatch (key, AAD, tampering) is SEAL_OPEN_FAILED. */
export function open(envelope: SealedEnvelope, privateKey: string | KeyObject, aad?: SealAad): Buffer {
  if (!isSealedEnvelope(envelope)) {
    throw openFailed('The value is not a sealed envelope this platform understands.');
  }
  const recipient = toPrivateKey(privateKey);
  const recipientPublic = createPublicKey(recipient);
  if (envelope.kid !== sealingKeyId(recipientPublic)) {
    throw openFailed('The envelope was sealed for another key.', { kid: envelope.kid });
  }
  try {
    const ephemeralRaw = Buffer.from(envelope.epk, 'base64url');
    const ephemeral = toPublicKey(ephemeralRaw.toString('base64'));
    const key = deriveKey(
      diffieHellman({ privateKey: recipient, publicKey: ephemeral }),
      ephemeralRaw,
      rawPublicKey(recipientPublic),
    );
    // A fixed tag length: GCM would otherwise accept truncated tags.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64url'), {
      authTagLength: 16,
    });
    key.fill(0);
    decipher.setAAD(gcmAad(envelope, aad));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64url')), decipher.final()]);
  } catch {
    throw openFailed('The sealed envelope could not be opened.', { kid: envelope.kid });
  }
}

export function openJson<T = unknown>(
  envelope: SealedEnvelope,
  privateKey: string | KeyObject,
  aad?: SealAad,
): T {
  const plaintext = open(envelope, privateKey, aad);
  try {
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    throw openFailed('The sealed envelope does not hold JSON.', { kid: envelope.kid });
  } finally {
    plaintext.fill(0);
  }
}

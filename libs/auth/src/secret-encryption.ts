import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AuthErrorCode, AuthException } from './auth.exception';
import { KeyEncryptionKeyProvider } from './key-encryption-key.provider';

/** What a secret belongs to; a ciphertext only decrypts under the same context. */
export interface SecretContext {
  domain: string;
  connectionId: string;
  /** e.g. `secret_access_key`, `headers`. */
  field: string;
}

/** A secret encrypted at rest; JSON/BSON-safe (binary fields are base64). */
export interface EncryptedSecret {
  v: 1;
  /** The key-encryption key that wrapped `wrappedKey`. */
  kid: string;
  wrappedKey: string;
  iv: string;
  ct: string;
  tag: string;
}

export interface SecretEncryptionOptions {
  provider: KeyEncryptionKeyProvider;
  aad: SecretContext;
}

const CONTEXT_PART = /^[^:\s]{1,200}$/;

function contextOf(aad: SecretContext): { data: Buffer; kek: Record<string, string> } {
  for (const part of [aad.domain, aad.connectionId, aad.field]) {
    if (typeof part !== 'string' || !CONTEXT_PART.test(part)) {
      throw new AuthException(
        AuthErrorCode.INVALID_SECRET_CONTEXT,
        'A secret context part is empty or contains ":" or spaces.',
      );
    }
  }
  return {
    data: Buffer.from(`${aad.domain}:${aad.connectionId}:${aad.field}`, 'utf8'),
    kek: { domain: aad.domain, connectionId: aad.connectionId, field: aad.field },
  };
}

function decryptFailed(kid: string): AuthException {
  return new AuthException(
    AuthErrorCode.DECRYPT_FAILED,
    'The secret could not be decrypted: it belongs to another connection or field, or was altered.',
    {
      details: { kid },
    },
  );
}

function isEncryptedSecret(value: unknown): value is EncryptedSecret {
  const secret = value as Record<string, unknown> | null;
  return (
    typeof secret === 'object' &&
    secret !== null &&
    secret.v === 1 &&
    ['kid', 'wrappedKey', 'iv', 'ct', 'tag'].every((field) => typeof secret[field] === 'string')
  );
}

/**
 * Envelope encryption: a fresh 256-bit data key per secret encrypts it with AES-256-GCM (AAD
 * `domain:connectionId:field`); the provider's key-encryption key wraps the data key under the
 * same context.
 */
export async function encryptSecret(
  plaintext: string | Buffer,
  options: SecretEncryptionOptions,
): Promise<EncryptedSecret> {
  const context = contextOf(options.aad);
  const dataKey = randomBytes(32);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(context.data);
    const ct = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
    ]);
    const wrapped = await options.provider.wrap(dataKey, context.kek);
    return {
      v: 1,
      kid: wrapped.keyId,
      wrappedKey: wrapped.wrappedKey.toString('base64'),
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

async function unwrapAndDecrypt(
  secret: EncryptedSecret,
  provider: KeyEncryptionKeyProvider,
  context: ReturnType<typeof contextOf>,
): Promise<{ dataKey: Buffer; plaintext: Buffer }> {
  if (!isEncryptedSecret(secret)) {
    throw new AuthException(
      AuthErrorCode.DECRYPT_FAILED,
      'The value is not an encrypted secret this platform understands.',
    );
  }
  const dataKey = await provider.unwrap(Buffer.from(secret.wrappedKey, 'base64'), secret.kid, context.kek);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(secret.iv, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(context.data);
    decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
    return {
      dataKey,
      plaintext: Buffer.concat([decipher.update(Buffer.from(secret.ct, 'base64')), decipher.final()]),
    };
  } catch {
    dataKey.fill(0);
    throw decryptFailed(secret.kid);
  }
}

/** Decrypts a secret; another context, another key or altered data is DECRYPT_FAILED. */
export async function decryptSecret(
  secret: EncryptedSecret,
  options: SecretEncryptionOptions,
): Promise<Buffer> {
  const { dataKey, plaintext } = await unwrapAndDecrypt(secret, options.provider, contextOf(options.aad));
  dataKey.fill(0);
  return plaintext;
}

/**
 * Key rotation: checks the secret decrypts, then re-wraps its data key with the provider's active
 * key (the ciphertext itself is unchanged). `from` defaults to the same provider, which still
 * holds the old key.
 */
export async function reencryptSecret(
  secret: EncryptedSecret,
  options: SecretEncryptionOptions & { from?: KeyEncryptionKeyProvider },
): Promise<EncryptedSecret> {
  const context = contextOf(options.aad);
  const { dataKey, plaintext } = await unwrapAndDecrypt(secret, options.from ?? options.provider, context);
  plaintext.fill(0);
  try {
    const wrapped = await options.provider.wrap(dataKey, context.kek);
    return { ...secret, kid: wrapped.keyId, wrappedKey: wrapped.wrappedKey.toString('base64') };
  } finally {
    dataKey.fill(0);
  }
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AuthErrorCode, AuthException } from './auth.exception';
import {
  canonicalContext,
  EncryptionContext,
  KeyEncryptionKeyProvider,
  WrappedDataKey,
} from './key-encryption-key.provider';

interface KeyFileEntry {
  id: string;
  key: string;
  createdAt: string;
}

interface KeyFile {
  version: 1;
  activeKeyId: string;
  keys: KeyFileEntry[];
}

const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

function newEntry(): KeyFileEntry {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return {
    id: `local-${day}-${randomBytes(4).toString('hex')}`,
    key: randomBytes(32).toString('base64'),
    createdAt: new Date().toISOString(),
  };
}

function serialize(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

function invalidFile(filePath: string, why: string): AuthException {
  return new AuthException(AuthErrorCode.KEY_FILE_INVALID, `The key file ${filePath} is not usable: ${why}.`);
}

function parseKeyFile(filePath: string, text: string): KeyFile {
  let file: KeyFile;
  try {
    file = JSON.parse(text) as KeyFile;
  } catch {
    throw invalidFile(filePath, 'it is not JSON');
  }
  if (file?.version !== 1 || !Array.isArray(file.keys)) {
    throw invalidFile(filePath, 'unknown format');
  }
  for (const entry of file.keys) {
    if (!KEY_ID_PATTERN.test(String(entry?.id)) || Buffer.from(String(entry?.key), 'base64').length !== 32) {
      throw invalidFile(filePath, 'every key needs an id and 32 bytes of base64');
    }
  }
  if (!file.keys.some((entry) => entry.id === file.activeKeyId)) {
    throw invalidFile(filePath, 'the active key is not in the file');
  }
  return file;
}

function keyAad(keyId: string, aad: EncryptionContext): Buffer {
  return Buffer.concat([Buffer.from(`${keyId}\n`), canonicalContext(aad)]);
}

/**
 * KEKs kept in a local JSON file (mode 0600, created on first use), for development and
 * single-host deployments; production uses KmsKeyProvider. `rotate()` adds a key and makes it
 * the active one; older keys stay to unwrap what they wrapped.
 */
export class LocalFileKeyProvider implements KeyEncryptionKeyProvider {
  private constructor(
    private readonly filePath: string,
    private file: KeyFile,
  ) {}

  static async open(filePath: string): Promise<LocalFileKeyProvider> {
    await fs.mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const initial: KeyFile = (() => {
      const entry = newEntry();
      return { version: 1, activeKeyId: entry.id, keys: [entry] };
    })();
    try {
      // 'wx': of two processes starting together, one creates the file and the other reads it.
      await fs.writeFile(filePath, serialize(initial), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const stat = await fs.stat(filePath);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new AuthException(
        AuthErrorCode.KEY_FILE_INSECURE,
        `The key file ${filePath} is accessible to other users.`,
        {
          hint: `Run chmod 600 ${filePath}.`,
        },
      );
    }
    return new LocalFileKeyProvider(filePath, parseKeyFile(filePath, await fs.readFile(filePath, 'utf8')));
  }

  get keyId(): string {
    return this.file.activeKeyId;
  }

  get keyIds(): string[] {
    return this.file.keys.map((entry) => entry.id);
  }

  /** Adds a key, makes it the active one and saves the file atomically; returns the new key id. */
  async rotate(): Promise<string> {
    const entry = newEntry();
    const file: KeyFile = { version: 1, activeKeyId: entry.id, keys: [...this.file.keys, entry] };
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    await fs.writeFile(temporary, serialize(file), { mode: 0o600 });
    await fs.rename(temporary, this.filePath);
    this.file = file;
    return entry.id;
  }

  async wrap(dataKey: Buffer, aad: EncryptionContext): Promise<WrappedDataKey> {
    const keyId = this.file.activeKeyId;
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key(keyId) as Buffer, iv);
    cipher.setAAD(keyAad(keyId, aad));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId, wrappedKey: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  async unwrap(wrappedKey: Buffer, keyId: string, aad: EncryptionContext): Promise<Buffer> {
    const key = this.key(keyId);
    if (key === undefined) {
      throw new AuthException(
        AuthErrorCode.KEY_NOT_FOUND,
        `The key ${keyId.slice(0, 64)} is not in the key file.`,
        { details: { keyId: keyId.slice(0, 64) } },
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, wrappedKey.subarray(0, IV_LENGTH), {
        authTagLength: TAG_LENGTH,
      });
      decipher.setAAD(keyAad(keyId, aad));
      decipher.setAuthTag(wrappedKey.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
      return Buffer.concat([decipher.update(wrappedKey.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]);
    } catch {
      throw new AuthException(
        AuthErrorCode.DECRYPT_FAILED,
        'The data key could not be unwrapped: wrong key or context, or altered data.',
        {
          details: { keyId },
        },
      );
    }
  }

  private key(keyId: string): Buffer | undefined {
    const entry = this.file.keys.find((candidate) => candidate.id === keyId);
    return entry === undefined ? undefined : Buffer.from(entry.key, 'base64');
  }
}

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DecryptCommand,
  EncryptCommand,
  InvalidCiphertextException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { AuthErrorCode } from './auth.exception';
import { KmsClientLike, KmsKeyProvider } from './kms-key.provider';
import { LocalFileKeyProvider } from './local-file-key.provider';
import {
  decryptSecret,
  EncryptedSecret,
  encryptSecret,
  reencryptSecret,
  SecretContext,
} from './secret-encryption';
import { asyncErrorCodeOf } from './testing/error-code';

const AAD: SecretContext = { domain: 'mvdomain', connectionId: 'c1', field: 'secret_access_key' };
const KMS_KEY_ARN = 'arn:aws:kms:eu-west-3:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function flip(base64: string, index = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
}

/** A KMS stand-in: "encrypts" by remembering the plaintext with its encryption context. */
function fakeKms() {
  const vault = new Map<string, { plaintext: Buffer; context: string }>();
  const calls: string[] = [];
  const kms: KmsClientLike = {
    send: (async (command: EncryptCommand | DecryptCommand) => {
      calls.push(command.constructor.name);
      if (command instanceof EncryptCommand) {
        const blob = Buffer.from(`blob-${vault.size}`);
        vault.set(blob.toString(), {
          plaintext: Buffer.from(command.input.Plaintext as Uint8Array),
          context: JSON.stringify(command.input.EncryptionContext),
        });
        return { CiphertextBlob: blob, KeyId: KMS_KEY_ARN };
      }
      if (command.input.KeyId !== KMS_KEY_ARN) {
        throw new NotFoundException({ message: 'no such key', $metadata: {} });
      }
      const entry = vault.get(Buffer.from(command.input.CiphertextBlob as Uint8Array).toString());
      if (entry === undefined || entry.context !== JSON.stringify(command.input.EncryptionContext)) {
        throw new InvalidCiphertextException({ message: 'invalid', $metadata: {} });
      }
      return { Plaintext: entry.plaintext, KeyId: KMS_KEY_ARN };
    }) as KmsClientLike['send'],
  };
  return { kms, calls };
}

describe('secret encryption with a local key file', () => {
  let directory: string;
  let provider: LocalFileKeyProvider;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'auth-secret-'));
    provider = await LocalFileKeyProvider.open(path.join(directory, 'kek.json'));
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('should round-trip a secret when decrypted with the same context', async () => {
    // Act
    const encrypted = await encryptSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', { provider, aad: AAD });
    const decrypted = await decryptSecret(encrypted, { provider, aad: AAD });

    // Assert
    expect([
      decrypted.toString('utf8'),
      encrypted.kid,
      encrypted.v,
      JSON.stringify(encrypted).includes('wJalrXUtnFEMI'),
    ]).toEqual(['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', provider.keyId, 1, false]);
  });

  it('should use a fresh data key and IV for every secret', async () => {
    // Act
    const [first, second] = await Promise.all([
      encryptSecret('same', { provider, aad: AAD }),
      encryptSecret('same', { provider, aad: AAD }),
    ]);

    // Assert
    expect([first.wrappedKey === second.wrappedKey, first.iv === second.iv, first.ct === second.ct]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it.each([
    [
      'another connection',
      (secret: EncryptedSecret) => decryptSecret(secret, { provider, aad: { ...AAD, connectionId: 'c2' } }),
    ],
    [
      'another domain',
      (secret: EncryptedSecret) =>
        decryptSecret(secret, { provider, aad: { ...AAD, domain: 'otherdomain' } }),
    ],
    [
      'another field',
      (secret: EncryptedSecret) => decryptSecret(secret, { provider, aad: { ...AAD, field: 'headers' } }),
    ],
    [
      'an altered ciphertext',
      (secret: EncryptedSecret) => decryptSecret({ ...secret, ct: flip(secret.ct) }, { provider, aad: AAD }),
    ],
    [
      'an altered tag',
      (secret: EncryptedSecret) =>
        decryptSecret({ ...secret, tag: flip(secret.tag) }, { provider, aad: AAD }),
    ],
    [
      'an altered wrapped key',
      (secret: EncryptedSecret) =>
        decryptSecret({ ...secret, wrappedKey: flip(secret.wrappedKey, 30) }, { provider, aad: AAD }),
    ],
    [
      'a swapped data key from another secret',
      async (secret: EncryptedSecret) => {
        const other = await encryptSecret('other', { provider, aad: AAD });
        return decryptSecret({ ...secret, wrappedKey: other.wrappedKey }, { provider, aad: AAD });
      },
    ],
    [
      'not an encrypted secret',
      () => decryptSecret({ v: 2 } as unknown as EncryptedSecret, { provider, aad: AAD }),
    ],
  ])('should fail with DECRYPT_FAILED for %s', async (_label, action) => {
    // Arrange
    const secret = await encryptSecret('s3cr3t', { provider, aad: AAD });

    // Act / Assert
    expect(await asyncErrorCodeOf(() => action(secret))).toBe(AuthErrorCode.DECRYPT_FAILED);
  });

  it('should refuse a context part containing a colon, which would make contexts ambiguous', async () => {
    // Act / Assert
    expect(
      await asyncErrorCodeOf(() =>
        encryptSecret('x', { provider, aad: { domain: 'a:b', connectionId: 'c', field: 'f' } }),
      ),
    ).toBe(AuthErrorCode.INVALID_SECRET_CONTEXT);
  });

  it('should re-wrap under the new key and keep the ciphertext when the key rotates', async () => {
    // Arrange
    const secret = await encryptSecret('rotate me', { provider, aad: AAD });
    const newKeyId = await provider.rotate();

    // Act
    const rotated = await reencryptSecret(secret, { provider, aad: AAD });

    // Assert
    expect([
      rotated.kid,
      rotated.ct === secret.ct,
      (await decryptSecret(rotated, { provider, aad: AAD })).toString(),
    ]).toEqual([newKeyId, true, 'rotate me']);
  });

  it('should refuse to re-encrypt a secret under another context', async () => {
    // Arrange
    const secret = await encryptSecret('x', { provider, aad: AAD });

    // Act / Assert
    expect(
      await asyncErrorCodeOf(() =>
        reencryptSecret(secret, { provider, aad: { ...AAD, connectionId: 'c2' } }),
      ),
    ).toBe(AuthErrorCode.DECRYPT_FAILED);
  });

  it('should move a secret from the local key file to KMS', async () => {
    // Arrange
    const secret = await encryptSecret('migrate me', { provider, aad: AAD });
    const kmsProvider = new KmsKeyProvider(fakeKms().kms, 'alias/ods-secrets');

    // Act
    const moved = await reencryptSecret(secret, { provider: kmsProvider, from: provider, aad: AAD });

    // Assert
    expect([moved.kid, (await decryptSecret(moved, { provider: kmsProvider, aad: AAD })).toString()]).toEqual(
      [KMS_KEY_ARN, 'migrate me'],
    );
  });
});

describe('secret encryption with KMS', () => {
  it('should record the key ARN KMS reports and pass the context as encryption context', async () => {
    // Arrange
    const { kms, calls } = fakeKms();
    const provider = new KmsKeyProvider(kms, 'alias/ods-secrets');

    // Act
    const secret = await encryptSecret('s3cr3t', { provider, aad: AAD });
    const decrypted = await decryptSecret(secret, { provider, aad: AAD });

    // Assert
    expect([secret.kid, decrypted.toString(), calls]).toEqual([
      KMS_KEY_ARN,
      's3cr3t',
      ['EncryptCommand', 'DecryptCommand'],
    ]);
  });

  it.each([
    ['another connection', { aad: { ...AAD, connectionId: 'c2' } }, AuthErrorCode.DECRYPT_FAILED],
    ['an unknown key', { kid: 'arn:aws:kms:eu-west-3:000000000000:key/gone' }, AuthErrorCode.KEY_NOT_FOUND],
  ])('should map the KMS refusal for %s', async (_label, change, code) => {
    // Arrange
    const provider = new KmsKeyProvider(fakeKms().kms, 'alias/ods-secrets');
    const secret = await encryptSecret('s3cr3t', { provider, aad: AAD });

    // Act
    const actual = await asyncErrorCodeOf(() =>
      decryptSecret(
        { ...secret, ...('kid' in change ? { kid: change.kid } : {}) },
        { provider, aad: 'aad' in change ? change.aad : AAD },
      ),
    );

    // Assert
    expect(actual).toBe(code);
  });
});

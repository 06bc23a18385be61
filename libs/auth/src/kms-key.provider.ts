import {
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { AuthErrorCode, AuthException } from './auth.exception';
import { EncryptionContext, KeyEncryptionKeyProvider, WrappedDataKey } from './key-encryption-key.provider';

export type KmsClientLike = Pick<KMSClient, 'send'>;

/**
 * KEK in AWS KMS: data keys are wrapped with Encrypt and unwrapped with Decrypt, the context
 * passed as KMS encryption context (so it also appears in CloudTrail). The key id recorded is the
 * key ARN KMS reports, not an alias: an alias moved to a new key still leaves old secrets readable.
 */
export class KmsKeyProvider implements KeyEncryptionKeyProvider {
  constructor(
    private readonly kms: KmsClientLike,
    /** Key id, key ARN, alias name or alias ARN of the active key. */
    readonly keyId: string,
  ) {}

  async wrap(dataKey: Buffer, aad: EncryptionContext): Promise<WrappedDataKey> {
    const output = await this.kms.send(
      new EncryptCommand({ KeyId: this.keyId, Plaintext: dataKey, EncryptionContext: { ...aad } }),
    );
    if (output.CiphertextBlob === undefined) {
      throw new AuthException(AuthErrorCode.AWS_ERROR, 'KMS Encrypt answered without a ciphertext.', {
        retryable: true,
      });
    }
    return { keyId: output.KeyId ?? this.keyId, wrappedKey: Buffer.from(output.CiphertextBlob) };
  }

  async unwrap(wrappedKey: Buffer, keyId: string, aad: EncryptionContext): Promise<Buffer> {
    try {
      const output = await this.kms.send(
        new DecryptCommand({ CiphertextBlob: wrappedKey, KeyId: keyId, EncryptionContext: { ...aad } }),
      );
      if (output.Plaintext === undefined) {
        throw new AuthException(AuthErrorCode.AWS_ERROR, 'KMS Decrypt answered without a plaintext.', {
          retryable: true,
        });
      }
      return Buffer.from(output.Plaintext);
    } catch (error) {
      if (error instanceof InvalidCiphertextException || error instanceof IncorrectKeyException) {
        throw new AuthException(
          AuthErrorCode.DECRYPT_FAILED,
          'KMS refused to unwrap the data key: wrong key or context, or altered data.',
          {
            details: { keyId },
            cause: error,
          },
        );
      }
      if (error instanceof NotFoundException) {
        throw new AuthException(AuthErrorCode.KEY_NOT_FOUND, `The KMS key ${keyId} does not exist.`, {
          details: { keyId },
          cause: error,
        });
      }
      throw error;
    }
  }
}

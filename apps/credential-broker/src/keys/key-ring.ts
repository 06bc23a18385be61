import type { EncryptionContext, KeyEncryptionKeyProvider, WrappedDataKey } from '@s3c/auth';

/** A provider that can tell whether it holds a key id (a local key file knows its keys). */
export type PreviousKeyProvider = KeyEncryptionKeyProvider & { readonly keyIds: readonly string[] };

/**
 * Wraps with the active provider and unwraps with whichever provider holds the key: during a move
 * from the local key file to KMS, secrets not yet re-encrypted keep decrypting.
 */
export class KeyRing implements KeyEncryptionKeyProvider {
  constructor(
    private readonly active: KeyEncryptionKeyProvider,
    private readonly previous: readonly PreviousKeyProvider[],
  ) {}

  get keyId(): string {
    return this.active.keyId;
  }

  wrap(dataKey: Buffer, aad: EncryptionContext): Promise<WrappedDataKey> {
    return this.active.wrap(dataKey, aad);
  }

  unwrap(wrappedKey: Buffer, keyId: string, aad: EncryptionContext): Promise<Buffer> {
    const holder = this.previous.find((provider) => provider.keyIds.includes(keyId)) ?? this.active;
    return holder.unwrap(wrappedKey, keyId, aad);
  }
}

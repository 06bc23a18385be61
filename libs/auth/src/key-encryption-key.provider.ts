/** Context a wrapped data key is bound to (KMS encryption context; AAD for local keys). */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface WrappedDataKey {
  /** The key that wrapped it, as the provider must be told to unwrap (a KMS key ARN, a local key id). */
  keyId: string;
  wrappedKey: Buffer;
}

/**
 * A key-encryption key (KEK) that wraps per-secret data keys. `keyId` is the active key, used to
 * wrap; unwrapping accepts any key the provider still holds, so keys can be rotated.
 */
export interface KeyEncryptionKeyProvider {
  readonly keyId: string;
  wrap(dataKey: Buffer, aad: EncryptionContext): Promise<WrappedDataKey>;
  unwrap(wrappedKey: Buffer, keyId: string, aad: EncryptionContext): Promise<Buffer>;
}

/** One canonical byte string per context, whatever the key order. */
export function canonicalContext(aad: EncryptionContext): Buffer {
  return Buffer.from(
    JSON.stringify(
      Object.keys(aad)
        .sort()
        .map((name) => [name, aad[name]]),
    ),
    'utf8',
  );
}

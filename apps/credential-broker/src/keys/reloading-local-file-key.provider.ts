import { promises as fs } from 'node:fs';
import {
  LocalFileKeyProvider,
  type EncryptionContext,
  type KeyEncryptionKeyProvider,
  type WrappedDataKey,
} from '@s3c/auth';

async function fileVersion(filePath: string): Promise<string> {
  const stat = await fs.stat(filePath);
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
}

/**
 * The local key file, re-read when another process changed it: the rotation command rotates the
 * file while brokers run, and a running broker must then wrap with the new active key and unwrap
 * what the re-encryption run wrapped with it.
 */
export class ReloadingLocalFileKeyProvider implements KeyEncryptionKeyProvider {
  private constructor(
    private readonly filePath: string,
    private provider: LocalFileKeyProvider,
    private version: string,
  ) {}

  /** Opens the key file, creating it (with a first key) when it does not exist. */
  static async open(filePath: string): Promise<ReloadingLocalFileKeyProvider> {
    const provider = await LocalFileKeyProvider.open(filePath);
    return new ReloadingLocalFileKeyProvider(filePath, provider, await fileVersion(filePath));
  }

  get keyId(): string {
    return this.provider.keyId;
  }

  get keyIds(): string[] {
    return this.provider.keyIds;
  }

  /** Adds a key to the file and makes it the active one; older keys stay to unwrap what they wrapped. */
  async rotate(): Promise<string> {
    // Rotating from a stale copy would write the file back without a key another process added.
    await this.reloadIfChanged();
    const keyId = await this.provider.rotate();
    this.version = await fileVersion(this.filePath);
    return keyId;
  }

  async wrap(dataKey: Buffer, aad: EncryptionContext): Promise<WrappedDataKey> {
    await this.reloadIfChanged();
    return this.provider.wrap(dataKey, aad);
  }

  async unwrap(wrappedKey: Buffer, keyId: string, aad: EncryptionContext): Promise<Buffer> {
    if (!this.provider.keyIds.includes(keyId)) {
      await this.reloadIfChanged();
    }
    return this.provider.unwrap(wrappedKey, keyId, aad);
  }

  private async reloadIfChanged(): Promise<void> {
    // The version is read before the file: a change in between only causes one more reload later.
    const version = await fileVersion(this.filePath);
    if (version !== this.version) {
      this.provider = await LocalFileKeyProvider.open(this.filePath);
      this.version = version;
    }
  }
}

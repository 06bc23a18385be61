import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  KmsKeyProvider,
  LocalFileKeyProvider,
  type KeyEncryptionKeyProvider,
  type SealingKeyPair,
} from '@s3c/auth';
import type { CredentialBrokerConfig } from '../credential-broker.config';
import { KeyRing } from './key-ring';
import { ReloadingLocalFileKeyProvider } from './reloading-local-file-key.provider';
import { loadOrCreateSealingKeys } from './sealing-keys';

export const SEALING_KEYS = Symbol('SEALING_KEYS');
export const KEY_ENCRYPTION_KEYS = Symbol('KEY_ENCRYPTION_KEYS');

export type BrokerSealingKeys = SealingKeyPair;

export function localKekFile(config: CredentialBrokerConfig): string {
  return path.join(config.CREDENTIAL_BROKER_KEY_DIR, 'kek.json');
}

/** The local key file if it exists (never created here): the keys of secrets not yet moved to KMS. */
export async function openExistingLocalKeyFile(
  config: CredentialBrokerConfig,
): Promise<LocalFileKeyProvider | undefined> {
  const file = localKekFile(config);
  try {
    await fs.access(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  return LocalFileKeyProvider.open(file);
}

/**
 * The key-encryption keys of envelope encryption: a local key file by default, AWS KMS as an option.
 * With KMS, a local key file left in the key directory still unwraps the secrets it wrapped, so a
 * broker switched to KMS keeps reading them until the re-encryption run has moved them.
 */
export async function createKeyEncryptionKeyProvider(
  config: CredentialBrokerConfig,
): Promise<KeyEncryptionKeyProvider> {
  if (config.CREDENTIAL_BROKER_KEK_PROVIDER === 'kms') {
    if (!config.CREDENTIAL_BROKER_KMS_KEY_ID) {
      throw new Error('CREDENTIAL_BROKER_KMS_KEY_ID is required when CREDENTIAL_BROKER_KEK_PROVIDER=kms');
    }
    const kms = new KMSClient({
      region: config.AWS_REGION,
      ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
      credentials: {
        accessKeyId: config.PLATFORM_AWS_ACCESS_KEY_ID,
        secretAccessKey: config.PLATFORM_AWS_SECRET_ACCESS_KEY,
      },
    });
    const active = new KmsKeyProvider(kms, config.CREDENTIAL_BROKER_KMS_KEY_ID);
    const local = await openExistingLocalKeyFile(config);
    return local ? new KeyRing(active, [local]) : active;
  }
  return ReloadingLocalFileKeyProvider.open(localKekFile(config));
}

export function loadSealingKeys(config: CredentialBrokerConfig): Promise<BrokerSealingKeys> {
  return loadOrCreateSealingKeys(config.CREDENTIAL_BROKER_KEY_DIR);
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { KeyEncryptionKeyProvider } from '@s3c/auth';
import type { JsonLogger } from '@s3c/nest-kit';
import type { CredentialBrokerConfig } from '../credential-broker.config';
import { KEY_ENCRYPTION_KEYS, localKekFile, openExistingLocalKeyFile } from '../keys/broker-keys';
import { ReloadingLocalFileKeyProvider } from '../keys/reloading-local-file-key.provider';
import { ConnectionSecretsService, type ReencryptionResult } from '../secrets/connection-secrets.service';
import { KekRotationErrorCode, KekRotationException } from './kek-rotation.exception';
import { KekRotationModule } from './kek-rotation.module';

export interface KekRotationOptions {
  /** Keep the local key file as it is and only re-encrypt (e.g. to finish an interrupted run). */
  reencryptOnly: boolean;
  /** Moving from the local key file to KMS: the local key file must be there to read the old secrets. */
  fromLocal: boolean;
}

export interface KekRotationResult extends ReencryptionResult {
  provider: CredentialBrokerConfig['CREDENTIAL_BROKER_KEK_PROVIDER'];
  /** The local key file's new active key, when this run rotated it. */
  rotatedTo?: string;
}

export const KEK_ROTATION_USAGE = `usage: npm run broker:rotate-kek -- [--reencrypt-only] [--from-local]
  (no option)        local provider: add a new key to the key file and make it active, then re-encrypt;
                     kms provider: re-encrypt under CREDENTIAL_BROKER_KMS_KEY_ID
  --reencrypt-only   do not rotate the key file, only re-encrypt what an older key wrapped
  --from-local       with CREDENTIAL_BROKER_KEK_PROVIDER=kms: move the secrets wrapped by the local key file to KMS
`;

export function parseRotationArguments(args: readonly string[]): KekRotationOptions {
  const options: KekRotationOptions = { reencryptOnly: false, fromLocal: false };
  for (const arg of args) {
    switch (arg) {
      case '--reencrypt-only':
        options.reencryptOnly = true;
        break;
      case '--from-local':
        options.fromLocal = true;
        break;
      default:
        throw new KekRotationException(
          KekRotationErrorCode.InvalidArguments,
          `Unknown argument "${arg}".`,
          KEK_ROTATION_USAGE,
        );
    }
  }
  return options;
}

async function assertCanStart(config: CredentialBrokerConfig, options: KekRotationOptions): Promise<void> {
  if (!options.fromLocal) {
    return;
  }
  if (config.CREDENTIAL_BROKER_KEK_PROVIDER !== 'kms') {
    throw new KekRotationException(
      KekRotationErrorCode.InvalidArguments,
      '--from-local moves secrets from the local key file to KMS, but CREDENTIAL_BROKER_KEK_PROVIDER is local.',
      'Set CREDENTIAL_BROKER_KEK_PROVIDER=kms and CREDENTIAL_BROKER_KMS_KEY_ID, then run it again.',
    );
  }
  if (!(await openExistingLocalKeyFile(config))) {
    throw new KekRotationException(
      KekRotationErrorCode.LocalKeyFileMissing,
      `There is no local key file at ${localKekFile(config)} to read the old secrets with.`,
      'Point CREDENTIAL_BROKER_KEY_DIR at the directory the broker used with the local provider.',
    );
  }
}

/** One run at a time: two rotations of the key file at once could each drop the key the other added. */
async function withRotationLock<T>(config: CredentialBrokerConfig, run: () => Promise<T>): Promise<T> {
  const lock = path.join(config.CREDENTIAL_BROKER_KEY_DIR, 'rotate-kek.lock');
  await fs.mkdir(config.CREDENTIAL_BROKER_KEY_DIR, { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(lock, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KekRotationException(
        KekRotationErrorCode.RotationInProgress,
        `Another rotation holds ${lock}.`,
        'Wait for it to finish; if none is running (it was killed), delete the lock file and run again.',
      );
    }
    throw error;
  }
  try {
    return await run();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

/**
 * Rotates the key-encryption key and re-encrypts every stored secret under the active key. With the
 * local provider a new key is added to the key file (older keys stay, so running brokers keep
 * reading); with KMS the active key is CREDENTIAL_BROKER_KMS_KEY_ID. Running it again re-encrypts 0.
 */
export async function rotateKeyEncryptionKeys(
  config: CredentialBrokerConfig,
  options: KekRotationOptions,
  logger: JsonLogger,
): Promise<KekRotationResult> {
  await assertCanStart(config, options);
  return withRotationLock(config, async () => {
    const app = await NestFactory.createApplicationContext(KekRotationModule.forRoot(config, logger), {
      logger,
    });
    try {
      const keys = app.get<KeyEncryptionKeyProvider>(KEY_ENCRYPTION_KEYS);
      let rotatedTo: string | undefined;
      if (keys instanceof ReloadingLocalFileKeyProvider && !options.reencryptOnly) {
        rotatedTo = await keys.rotate();
        logger.event('info', 'Local key file rotated', { keyId: rotatedTo }, 'KekRotation');
      }
      const result = await app.get(ConnectionSecretsService).reencryptAll();
      logger.event(
        'info',
        'Secrets re-encrypted',
        {
          reencrypted: result.reencrypted,
          alreadyCurrent: result.alreadyCurrent,
          failed: result.failed.length,
        },
        'KekRotation',
      );
      return {
        provider: config.CREDENTIAL_BROKER_KEK_PROVIDER,
        ...(rotatedTo ? { rotatedTo } : {}),
        ...result,
      };
    } finally {
      await app.close();
    }
  });
}

/** What the command prints; the last line is the summary scripts read. */
export function rotationReport(result: KekRotationResult): string[] {
  const lines: string[] = [];
  if (result.rotatedTo) {
    lines.push(
      `Rotated the local key file: new active key ${result.rotatedTo} (older keys stay to read what they wrapped).`,
    );
  }
  for (const failure of result.failed) {
    lines.push(
      `Could not re-encrypt ${failure.field} of connection ${failure.connectionId} (domain ${failure.domain}): ${failure.code}; it must be set again on the connection.`,
    );
  }
  const summary = `re-encrypted ${result.reencrypted}, already current ${result.alreadyCurrent}`;
  lines.push(result.failed.length > 0 ? `${summary}, failed ${result.failed.length}` : summary);
  return lines;
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  AuthErrorCode,
  decryptSecret,
  encryptSecret,
  isAuthException,
  reencryptSecret,
  type EncryptedSecret,
  type KeyEncryptionKeyProvider,
} from '@s3c/auth';
import { ContractErrorCode, type ConnectionSecretsPlaintext } from '@s3c/contracts';
import { NonRetryableMessageError } from '@s3c/nest-kit';
import { KEY_ENCRYPTION_KEYS } from '../keys/broker-keys';
import { ConnectionSecretDocument } from './connection-secret.schema';


export type SecretField = 'secretAccessKey' | 'headers';
const FIELDS: SecretField[] = ['secretAccessKey', 'headers'];

/** What a re-encryption run cannot fix: the secret must be set again by the connection's admin. */
const UNREADABLE = new Set<string>([AuthErrorCode.DECRYPT_FAILED, AuthErrorCode.KEY_NOT_FOUND]);

export interface ReencryptionFailure {
  connectionId: string;
  domain: string;
  field: SecretField;
  code: string;
}

export interface ReencryptionResult {
  /** Secrets whose data key was re-wrapped with the active key. */
  reencrypted: number;
  /** Secrets already wrapped with the active key. */
  alreadyCurrent: number;
  failed: ReencryptionFailure[];
}

/** Secrets at rest: envelope encryption, one data key per secret, AAD = domain:connection:field. */
@Injectable()
export class ConnectionSecretsService {
  constructor(
    @InjectModel(ConnectionSecretDocument.name) private readonly model: Model<ConnectionSecretDocument>,
    @Inject(KEY_ENCRYPTION_KEYS) private readonly keys: KeyEncryptionKeyProvider,
  ) {}

  /** Stores the fields present in `secrets` (absent ones keep their stored value). */
  async store(domain: string, connectionId: string, secrets: ConnectionSecretsPlaintext): Promise<void> {
    await this.assertOwner(domain, connectionId);
    const encrypted: Partial<Record<SecretField, EncryptedSecret>> = {};
    if (secrets.secretAccessKey !== undefined) {
      encrypted.secretAccessKey = await this.encrypt(
        domain,
        connectionId,
        'secretAccessKey',
        secrets.secretAccessKey,
      );
    }
    if (secrets.headers !== undefined) {
      encrypted.headers = await this.encrypt(
        domain,
        connectionId,
        'headers',
        JSON.stringify(secrets.headers),
      );
    }
    await this.model
      .updateOne({ _id: connectionId, domain }, { $set: { domain, ...encrypted } }, { upsert: true })
      .exec();
  }

  async load(domain: string, connectionId: string): Promise<ConnectionSecretsPlaintext> {
    const document = await this.model.findOne({ _id: connectionId }).lean<ConnectionSecretDocument>().exec();
    if (!document) {
      return {};
    }
    if (document.domain !== domain) {
      throw domainMismatch(connectionId);
    }
    const secrets: ConnectionSecretsPlaintext = {};
    if (document.secretAccessKey) {
      secrets.secretAccessKey = (
        await this.decrypt(domain, connectionId, 'secretAccessKey', document.secretAccessKey)
      ).toString('utf8');
    }
    if (document.headers) {
      secrets.headers = JSON.parse(
        (await this.decrypt(domain, connectionId, 'headers', document.headers)).toString('utf8'),
      ) as Record<string, string>;
    }
    return secrets;
  }

  async delete(domain: string, connectionId: string): Promise<void> {
    await this.model.deleteOne({ _id: connectionId, domain }).exec();
  }

  /**
   * Re-wraps every data key not wrapped by the active key-encryption key (the ciphertexts stay as
   * they are). Idempotent and resumable: a second run finds nothing left to do. A secret that does
   * not decrypt is reported and left alone, so that one damaged document cannot block a rotation.
   */
  async reencryptAll(): Promise<ReencryptionResult> {
    const activeKeyId = await this.activeKeyId();
    const result: ReencryptionResult = { reencrypted: 0, alreadyCurrent: 0, failed: [] };
    // In _id order: an update never moves a document the cursor has yet to reach.
    const cursor = this.model.find({}).sort({ _id: 1 }).lean<ConnectionSecretDocument>().cursor();
    for await (const document of cursor) {
      for (const field of FIELDS) {
        const secret = document[field];
        if (!secret) {
          continue;
        }
        if (secret.kid === activeKeyId) {
          result.alreadyCurrent += 1;
          continue;
        }
        let rewrapped: EncryptedSecret;
        try {
          rewrapped = await reencryptSecret(secret, {
            provider: this.keys,
            aad: { domain: document.domain, connectionId: document._id, field },
          });
        } catch (error) {
          if (isAuthException(error) && UNREADABLE.has(error.code)) {
            result.failed.push({
              connectionId: document._id,
              domain: document.domain,
              field,
              code: error.code,
            });
            continue;
          }
          throw error;
        }
        // Only over the value that was read: a secret stored meanwhile is already under the active key.
        const { modifiedCount } = await this.model
          .updateOne(
            { _id: document._id, [`${field}.wrappedKey`]: secret.wrappedKey },
            { $set: { [field]: rewrapped } },
          )
          .exec();
        result.reencrypted += modifiedCount;
      }
    }
    return result;
  }

  /**
   * The key id the active key records on what it wraps, learnt by wrapping a throw-away key: a KMS
   * key configured by alias or key id records its key ARN.
   */
  private async activeKeyId(): Promise<string> {
    const probe = randomBytes(32);
    try {
      return (await this.keys.wrap(probe, { purpose: 'active-key-id' })).keyId;
    } finally {
      probe.fill(0);
    }
  }

  private async assertOwner(domain: string, connectionId: string): Promise<void> {
    const existing = await this.model
      .findOne({ _id: connectionId }, { domain: 1 })
      .lean<{ domain: string }>()
      .exec();
    if (existing && existing.domain !== domain) {
      throw domainMismatch(connectionId);
    }
  }

  private encrypt(
    domain: string,
    connectionId: string,
    field: SecretField,
    plaintext: string,
  ): Promise<EncryptedSecret> {
    return encryptSecret(plaintext, { provider: this.keys, aad: { domain, connectionId, field } });
  }

  private decrypt(
    domain: string,
    connectionId: string,
    field: SecretField,
    secret: EncryptedSecret,
  ): Promise<Buffer> {
    return decryptSecret(secret, { provider: this.keys, aad: { domain, connectionId, field } });
  }
}

function domainMismatch(connectionId: string): NonRetryableMessageError {
  return new NonRetryableMessageError(
    ContractErrorCode.DomainMismatch,
    `Connection ${connectionId} belongs to another domain.`,
  );
}

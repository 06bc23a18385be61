import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { decryptSecret, encryptSecret, reencryptSecret, type EncryptedSecret, type KeyEncryptionKeyProvider } from '@s3c/auth';
import type { ConnectionSecretsPlaintext } from '@s3c/contracts';
import { NonRetryableMessageError } from '@s3c/nest-kit';
import { KEY_ENCRYPTION_KEYS } from '../keys/broker-keys';
import { ConnectionSecretDocument } from './connection-secret.schema';

export const DOMAIN_MISMATCH = 'DOMAIN_MISMATCH';

type Field = 'secretAccessKey' | 'headers';
const FIELDS: Field[] = ['secretAccessKey', 'headers'];

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
    const encrypted: Partial<Record<Field, EncryptedSecret>> = {};
    if (secrets.secretAccessKey !== undefined) {
      encrypted.secretAccessKey = await this.encrypt(domain, connectionId, 'secretAccessKey', secrets.secretAccessKey);
    }
    if (secrets.headers !== undefined) {
      encrypted.headers = await this.encrypt(domain, connectionId, 'headers', JSON.stringify(secrets.headers));
    }
    await this.model.updateOne({ _id: connectionId, domain }, { $set: { domain, ...encrypted } }, { upsert: true }).exec();
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
      secrets.secretAccessKey = (await this.decrypt(domain, connectionId, 'secretAccessKey', document.secretAccessKey)).toString('utf8');
    }
    if (document.headers) {
      secrets.headers = JSON.parse((await this.decrypt(domain, connectionId, 'headers', document.headers)).toString('utf8')) as Record<string, string>;
    }
    return secrets;
  }

  async delete(domain: string, connectionId: string): Promise<void> {
    await this.model.deleteOne({ _id: connectionId, domain }).exec();
  }

  /**
   * Re-wraps every data key not wrapped by the active key-encryption key. Idempotent and resumable:
   * a second run finds nothing left to do. Returns how many secrets were re-encrypted.
   */
  async reencryptAll(from?: KeyEncryptionKeyProvider): Promise<{ reencrypted: number; alreadyCurrent: number }> {
    let reencrypted = 0;
    let alreadyCurrent = 0;
    const cursor = this.model.find({}).lean<ConnectionSecretDocument>().cursor();
    for await (const document of cursor) {
      const changes: Partial<Record<Field, EncryptedSecret>> = {};
      for (const field of FIELDS) {
        const secret = document[field];
        if (!secret) {
          continue;
        }
        if (secret.kid === this.keys.keyId) {
          alreadyCurrent += 1;
          continue;
        }
        changes[field] = await reencryptSecret(secret, {
          provider: this.keys,
          ...(from ? { from } : {}),
          aad: { domain: document.domain, connectionId: document._id, field },
        });
        reencrypted += 1;
      }
      if (Object.keys(changes).length > 0) {
        await this.model.updateOne({ _id: document._id }, { $set: changes }).exec();
      }
    }
    return { reencrypted, alreadyCurrent };
  }

  private async assertOwner(domain: string, connectionId: string): Promise<void> {
    const existing = await this.model.findOne({ _id: connectionId }, { domain: 1 }).lean<{ domain: string }>().exec();
    if (existing && existing.domain !== domain) {
      throw domainMismatch(connectionId);
    }
  }

  private encrypt(domain: string, connectionId: string, field: Field, plaintext: string): Promise<EncryptedSecret> {
    return encryptSecret(plaintext, { provider: this.keys, aad: { domain, connectionId, field } });
  }

  private decrypt(domain: string, connectionId: string, field: Field, secret: EncryptedSecret): Promise<Buffer> {
    return decryptSecret(secret, { provider: this.keys, aad: { domain, connectionId, field } });
  }
}

function domainMismatch(connectionId: string): NonRetryableMessageError {
  return new NonRetryableMessageError(DOMAIN_MISMATCH, `Connection ${connectionId} belongs to another domain.`);
}

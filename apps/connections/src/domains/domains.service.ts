import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { API_KEY_ISSUED_V1, DOMAIN_PATTERN } from '@s3c/contracts';
import {
  DocumentLocks,
  issueApiKey,
  JsonLogger,
  KafkaProducerService,
  outboxEntry,
  OutboxRelay,
  type ApiKeyLookup,
  type StoredApiKey,
} from '@s3c/nest-kit';
import { ApiKeyDocument, DomainDocument } from './api-key.schema';

const DUPLICATE_KEY = 11000;

export class InvalidDomainError extends Error {
  readonly code = 'INVALID_DOMAIN';
}

/** Domains and their API keys. Keys are announced on Kafka (hash only) so other services accept them too. */
@Injectable()
export class DomainsService implements ApiKeyLookup, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay<ApiKeyDocument>;

  constructor(
    @InjectModel(ApiKeyDocument.name) private readonly apiKeys: Model<ApiKeyDocument>,
    @InjectModel(DomainDocument.name) private readonly domains: Model<DomainDocument>,
    producer: KafkaProducerService,
    private readonly logger: JsonLogger,
    locks: DocumentLocks,
  ) {
    this.relay = new OutboxRelay(apiKeys, producer, logger, locks);
  }

  /** Creates the domain if needed and issues a new key; the token is returned once and never stored. */
  async issueKey(domain: string): Promise<{ domain: string; keyId: string; token: string; domainCreated: boolean }> {
    if (!DOMAIN_PATTERN.test(domain)) {
      throw new InvalidDomainError(
        `"${domain}" is not a valid domain: use lower-case letters, digits and "-" (at most 63 characters, not starting with "-").`,
      );
    }
    let domainCreated = true;
    try {
      await this.domains.create({ _id: domain, createdAt: new Date() });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) {
        throw error;
      }
      domainCreated = false;
    }
    const key = issueApiKey();
    const issuedAt = new Date();
    const event = outboxEntry(
      API_KEY_ISSUED_V1,
      { keyId: key.keyId, domain, secretHash: key.secretHash, issuedAt: issuedAt.toISOString() },
      { domain },
    );
    await this.apiKeys.create({ _id: key.keyId, domain, secretHash: key.secretHash, issuedAt, outbox: [event], outboxPending: true });
    // Awaited so that other services know the key by the time it is printed; a broker outage only delays that.
    await this.relay.relay(key.keyId).catch((error: unknown) =>
      this.logger.event('warn', 'API key event queued, not yet published', { keyId: key.keyId, error }, 'Domains'),
    );
    return { domain, keyId: key.keyId, token: key.token, domainCreated };
  }

  async findActive(keyId: string): Promise<StoredApiKey | null> {
    const key = await this.apiKeys.findOne({ _id: keyId }, { domain: 1, secretHash: 1, revokedAt: 1 }).lean<ApiKeyDocument>().exec();
    return key && !key.revokedAt ? { domain: key.domain, secretHash: key.secretHash } : null;
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

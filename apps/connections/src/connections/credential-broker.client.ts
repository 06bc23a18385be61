import { Injectable } from '@nestjs/common';
import {
  CONNECTION_VALIDATE_REPLY_V1,
  CONNECTION_VALIDATE_V1,
  PLATFORM_IDENTITY_DESCRIBE_REPLY_V1,
  PLATFORM_IDENTITY_DESCRIBE_V1,
  connectionSecretsAad,
  type ConnectionAuthDescriptor,
  type ConnectionSecretsPlaintext,
  type ConnectionValidateReplyV1,
  type PlatformIdentityDescribeReplyV1,
} from '@s3c/contracts';
import { seal } from '@s3c/auth';
import { KafkaRequesterService, RemoteRequestError, RequestTimeoutError } from '@s3c/nest-kit';
import { ConnectionsErrorCode, ConnectionsException } from './connections.exception';

const IDENTITY_TTL_MS = 5 * 60_000;

function unavailable(error: unknown): ConnectionsException {
  const why = error instanceof RequestTimeoutError ? 'did not answer in time' : 'could not be reached';
  return new ConnectionsException(
    ConnectionsErrorCode.BrokerUnavailable,
    `The credential broker ${why}; nothing was changed. Try again in a moment.`,
  );
}

/** Talks to the credential broker over Kafka: it alone holds secrets and the platform's AWS identity. */
@Injectable()
export class CredentialBrokerClient {
  private identity?: { value: PlatformIdentityDescribeReplyV1; fetchedAt: number };

  constructor(private readonly requester: KafkaRequesterService) {}

  async platformIdentity(domain: string): Promise<PlatformIdentityDescribeReplyV1> {
    if (this.identity && Date.now() - this.identity.fetchedAt < IDENTITY_TTL_MS) {
      return this.identity.value;
    }
    try {
      const { reply } = await this.requester.request(PLATFORM_IDENTITY_DESCRIBE_V1, PLATFORM_IDENTITY_DESCRIBE_REPLY_V1, { domain }, { domain });
      this.identity = { value: reply, fetchedAt: Date.now() };
      return reply;
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Seals new secrets (if any) to the broker and asks it to store them and validate the connection. */
  async validate(
    domain: string,
    connectionId: string,
    revision: number,
    auth: ConnectionAuthDescriptor,
    secrets?: ConnectionSecretsPlaintext,
  ): Promise<ConnectionValidateReplyV1> {
    const identity = await this.platformIdentity(domain);
    const sealedSecrets = secrets ? seal(secrets, identity.sealingPublicKey, connectionSecretsAad(domain, connectionId)) : undefined;
    try {
      const { reply } = await this.requester.request(
        CONNECTION_VALIDATE_V1,
        CONNECTION_VALIDATE_REPLY_V1,
        { connectionId, domain, auth, revision, ...(sealedSecrets ? { sealedSecrets } : {}) },
        { domain },
        30_000,
      );
      return reply;
    } catch (error) {
      if (error instanceof RemoteRequestError) {
        // A stale sealing key (broker restarted with a new one): forget it so the next try re-reads it.
        this.identity = undefined;
      }
      throw unavailable(error);
    }
  }
}

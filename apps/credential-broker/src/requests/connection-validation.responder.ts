import { Inject, Injectable } from '@nestjs/common';
import { isAuthException, openJson, toAccessProblem, validateConnectionAccess } from '@s3c/auth';
import { ConnectionViewsRepository } from '@s3c/connection-views';
import {
  CONNECTION_VALIDATE_REPLY_V1,
  CONNECTION_VALIDATE_V1,
  connectionSecretsAad,
  ContractErrorCode,
  type ConnectionSecretsPlaintext,
  type ConnectionValidateReplyV1,
  type ConnectionValidateV1,
} from '@s3c/contracts';
import { JsonLogger, KafkaConsumerService, NonRetryableMessageError } from '@s3c/nest-kit';
import { PlatformAws } from '../aws/platform-aws';
import { SEALING_KEYS, type BrokerSealingKeys } from '../keys/broker-keys';
import { ConnectionSecretsService } from '../secrets/connection-secrets.service';
import { accessRequestOf, tenantS3Client } from './connection-access';

/**
 * Validates a connection for the connections service: stores the new secrets it was sent (sealed to
 * this broker), then checks access against AWS with libs/auth's diagnosis. Answers valid, or invalid
 * with a coded reason; refuses requests for another domain's connection.
 */
@Injectable()
export class ConnectionValidationResponder {
  constructor(
    consumer: KafkaConsumerService,
    private readonly aws: PlatformAws,
    private readonly secrets: ConnectionSecretsService,
    private readonly views: ConnectionViewsRepository,
    @Inject(SEALING_KEYS) private readonly keys: BrokerSealingKeys,
    private readonly logger: JsonLogger,
  ) {
    consumer.respond(CONNECTION_VALIDATE_V1, CONNECTION_VALIDATE_REPLY_V1, (request) => this.validate(request));
  }

  private async validate(request: ConnectionValidateV1): Promise<ConnectionValidateReplyV1> {
    const { connectionId, domain } = request;
    const known = await this.views.findAny(connectionId);
    if (known && known.domain !== domain) {
      throw new NonRetryableMessageError(ContractErrorCode.DomainMismatch, `Connection ${connectionId} belongs to another domain.`);
    }
    if (request.sealedSecrets) {
      const secrets = openJson<ConnectionSecretsPlaintext>(
        request.sealedSecrets,
        this.keys.privateKey,
        connectionSecretsAad(domain, connectionId),
      );
      await this.secrets.store(domain, connectionId, secrets);
    }
    // A new role or new keys start new sessions.
    this.aws.sessions.invalidate(connectionId);
    try {
      const secrets = await this.secrets.load(domain, connectionId);
      const result = await validateConnectionAccess(accessRequestOf(connectionId, request.auth, secrets, this.aws), {
        sts: this.aws.sts,
        platformIdentity: this.aws.identity,
        createS3Client: (clientRequest) => tenantS3Client(this.aws, clientRequest),
      });
      this.logger.event('info', 'Connection validated', { connectionId, domain, status: result.status, code: result.status === 'invalid' ? result.reason.code : undefined }, 'Validation');
      if (result.status === 'valid') {
        return {
          status: 'valid',
          ...(result.object
            ? {
                object: {
                  size: result.object.size,
                  ...(result.object.etag ? { etag: result.object.etag } : {}),
                  ...(result.object.lastModified ? { lastModified: result.object.lastModified.toISOString() } : {}),
                  ...(result.object.contentType ? { contentType: result.object.contentType } : {}),
                },
              }
            : {}),
        };
      }
      const { code, message, hint } = result.reason;
      return { status: 'invalid', statusReason: { code, message, ...(hint ? { hint } : {}) } };
    } catch (error) {
      if (isAuthException(error)) {
        const { code, message, hint } = toAccessProblem(error);
        return { status: 'invalid', statusReason: { code, message, ...(hint ? { hint } : {}) } };
      }
      throw error;
    }
  }
}

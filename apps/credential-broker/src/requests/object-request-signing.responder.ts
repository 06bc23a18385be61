import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException, locationKind, seal, type S3Credentials } from '@s3c/auth';
import { ConnectionViewsRepository } from '@s3c/connection-views';
import {
  OBJECT_REQUEST_SIGN_REPLY_V1,
  OBJECT_REQUEST_SIGN_V1,
  objectRequestAad,
  type ObjectRequestSignReplyV1,
  type ObjectRequestSignV1,
  type SignedObjectRequestPlaintext,
} from '@s3c/contracts';
import { KafkaConsumerService, NonRetryableMessageError } from '@s3c/nest-kit';
import { PlatformAws } from '../aws/platform-aws';
import { ConnectionSecretsService } from '../secrets/connection-secrets.service';
import { locationOf, tenantS3Client } from './connection-access';
import { signObjectRequest } from './object-request.signer';

/** A signature is accepted by S3 for 15 minutes after its date; hand it out for a little less. */
const SIGNATURE_VALIDITY_MS = 14 * 60_000;

export const SigningErrorCode = {
  ConnectionNotFound: 'CONNECTION_NOT_FOUND',
  ConnectionNotValid: 'CONNECTION_NOT_VALID',
  LocationNotAFile: 'LOCATION_NOT_A_FILE',
} as const;

/**
 * Signs single reads for the importer: the answer is the exact request to send (sealed to the
 * requester), so the importer never holds a credential — not a role session, not a tenant's key.
 */
@Injectable()
export class ObjectRequestSigningResponder {
  constructor(
    consumer: KafkaConsumerService,
    private readonly aws: PlatformAws,
    private readonly secrets: ConnectionSecretsService,
    private readonly views: ConnectionViewsRepository,
  ) {
    consumer.respond(OBJECT_REQUEST_SIGN_V1, OBJECT_REQUEST_SIGN_REPLY_V1, (request) => this.sign(request));
  }

  private async sign(request: ObjectRequestSignV1): Promise<ObjectRequestSignReplyV1> {
    const { connectionId, domain } = request;
    const view = await this.views.findOne(domain, connectionId);
    if (!view) {
      throw new NonRetryableMessageError(SigningErrorCode.ConnectionNotFound, `No connection ${connectionId} in domain ${domain}.`);
    }
    if (view.status !== 'valid') {
      throw new NonRetryableMessageError(SigningErrorCode.ConnectionNotValid, `Connection ${connectionId} is not valid; validate it first.`);
    }
    const location = locationOf(view.auth, this.aws, request.location ?? '');
    if (locationKind(location) !== 'object' || !location.key) {
      throw new NonRetryableMessageError(SigningErrorCode.LocationNotAFile, `${request.location || 'The connection URL'} names no file.`);
    }
    let expiresAt = Date.now() + SIGNATURE_VALIDITY_MS;
    let credentials: S3Credentials;
    const secrets = await this.secrets.load(domain, connectionId);
    switch (view.auth.method) {
      case 'iam_role': {
        if (!view.auth.roleArn || !view.auth.externalId) {
          throw new AuthException(AuthErrorCode.ROLE_ARN_MISSING, 'role_arn is not set.');
        }
        const session = await this.aws.roleSession({ connectionId, roleArn: view.auth.roleArn, externalId: view.auth.externalId });
        expiresAt = Math.min(expiresAt, session.expiration.getTime());
        credentials = { kind: 'session', ...session };
        break;
      }
      case 'sigv4':
        if (!view.auth.accessKey || !secrets.secretAccessKey) {
          throw new AuthException(AuthErrorCode.CREDENTIALS_REQUIRED, 'The connection has no stored secret access key.');
        }
        credentials = { kind: 'static', accessKeyId: view.auth.accessKey, secretAccessKey: secrets.secretAccessKey };
        break;
      case 'anonymous':
        credentials = { kind: 'anonymous' };
        break;
    }
    const client = tenantS3Client(this.aws, { location, region: view.auth.region, credentials, headers: secrets.headers }, 1);
    try {
      const signed = await signObjectRequest(client, {
        method: request.method,
        bucket: location.bucket,
        key: location.key,
        ...(request.range ? { range: request.range } : {}),
        ...(request.ifMatch ? { ifMatch: request.ifMatch } : {}),
      });
      const plaintext: SignedObjectRequestPlaintext = {
        method: request.method,
        url: signed.url,
        headers: signed.headers,
        bucket: location.bucket,
        key: location.key,
        expiresAt: new Date(expiresAt).toISOString(),
      };
      return {
        sealedRequest: seal(plaintext, request.requesterPublicKey, objectRequestAad(domain, connectionId)),
        expiresAt: plaintext.expiresAt,
      };
    } finally {
      client.destroy();
    }
  }
}

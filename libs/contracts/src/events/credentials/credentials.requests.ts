import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineContract } from '../../kafka/message-contract';
import { DOMAIN_PATTERN, StatusReason } from '../common';
import { CONNECTION_STATUSES, ConnectionAuthDescriptor, type ConnectionStatus } from '../connection/connection-snapshot';
import { SealedEnvelope } from './sealed-envelope';

/** Who the platform is on AWS, and the key to seal secrets to the credential broker with. */
export class PlatformIdentityDescribeV1 {
  @Matches(DOMAIN_PATTERN)
  domain!: string;
}
export class PlatformIdentityDescribeReplyV1 {
  /** The platform's AWS account: `ods_aws_account_id` in the product. */
  @Matches(/^\d{12}$/)
  accountId!: string;

  /** The exact principal customers trust (an IAM user, or the role behind an assumed-role session). */
  @IsString() @IsNotEmpty()
  principalArn!: string;

  /** X25519 public key (base64) of the credential broker: secrets for it are sealed to this key. */
  @IsString() @IsNotEmpty()
  sealingPublicKey!: string;

  @IsString() @IsNotEmpty()
  sealingKeyId!: string;
}
export const PLATFORM_IDENTITY_DESCRIBE_V1 = defineContract({
  topic: 's3connector.platform-identity.describe.v1',
  version: 1,
  kind: 'request',
  valueClass: PlatformIdentityDescribeV1,
  keyOf: (value) => value.domain,
});
export const PLATFORM_IDENTITY_DESCRIBE_REPLY_V1 = defineContract({
  topic: 's3connector.platform-identity.describe.v1.reply',
  version: 1,
  kind: 'request',
  valueClass: PlatformIdentityDescribeReplyV1,
  keyOf: (value) => value.accountId,
});

/** What may be in a sealed connection secret (opened only by the broker). */
export interface ConnectionSecretsPlaintext {
  secretAccessKey?: string;
  headers?: Record<string, string>;
}

/**
 * Validate a connection's access (and, when `sealedSecrets` is present, store its new secrets first).
 * The connections service sends it on create, on credential or role changes, and on explicit validation.
 */
export class ConnectionValidateV1 {
  @IsUUID()
  connectionId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @ValidateNested() @Type(() => ConnectionAuthDescriptor)
  auth!: ConnectionAuthDescriptor;

  @IsOptional() @ValidateNested() @Type(() => SealedEnvelope)
  sealedSecrets?: SealedEnvelope;

  @IsInt() @Min(1)
  revision!: number;
}
export class ObjectMetadata {
  @IsInt() @Min(0)
  size!: number;

  @IsOptional() @IsString()
  etag?: string;

  @IsOptional() @IsISO8601()
  lastModified?: string;

  @IsOptional() @IsString()
  contentType?: string;
}
export class ConnectionValidateReplyV1 {
  @IsIn(CONNECTION_STATUSES)
  status!: ConnectionStatus;

  @IsOptional() @ValidateNested() @Type(() => StatusReason)
  statusReason?: StatusReason;

  @IsOptional() @ValidateNested() @Type(() => ObjectMetadata)
  object?: ObjectMetadata;
}
export const CONNECTION_VALIDATE_V1 = defineContract({
  topic: 's3connector.connection.validate.v1',
  version: 1,
  kind: 'request',
  valueClass: ConnectionValidateV1,
  keyOf: (value) => value.connectionId,
});
export const CONNECTION_VALIDATE_REPLY_V1 = defineContract({
  topic: 's3connector.connection.validate.v1.reply',
  version: 1,
  kind: 'request',
  valueClass: ConnectionValidateReplyV1,
  keyOf: () => 'reply',
});

/**
 * Sign one read request on one object for the importer. The importer never holds credentials: the
 * broker answers with the exact request to send (URL and signed headers, sealed to `requesterPublicKey`),
 * valid for minutes and only for that method, object, byte range and ETag.
 */
export class ObjectRequestSignV1 {
  @IsUUID()
  connectionId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsIn(['GET', 'HEAD'])
  method!: 'GET' | 'HEAD';

  /** A key under the connection's URL, `s3://bucket/key`, a full URL on its endpoint, or empty when the URL names the file. */
  @IsOptional() @IsString()
  location?: string;

  /** `bytes=<first>-[<last>]` */
  @IsOptional() @Matches(/^bytes=\d+-\d*$/)
  range?: string;

  /** Pins the request to one version of the object. */
  @IsOptional() @IsString() @IsNotEmpty()
  ifMatch?: string;

  @IsString() @IsNotEmpty()
  requesterPublicKey!: string;
}
/** What a sealed signed request opens to (never travels in the clear). */
export interface SignedObjectRequestPlaintext {
  method: 'GET' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  bucket: string;
  key: string;
  /** ISO time after which the signature is refused; ask again before. */
  expiresAt: string;
}
export class ObjectRequestSignReplyV1 {
  @ValidateNested() @Type(() => SealedEnvelope)
  sealedRequest!: SealedEnvelope;

  @IsISO8601()
  expiresAt!: string;
}
export const OBJECT_REQUEST_SIGN_V1 = defineContract({
  topic: 's3connector.object-request.sign.v1',
  version: 1,
  kind: 'request',
  valueClass: ObjectRequestSignV1,
  keyOf: (value) => value.connectionId,
});
export const OBJECT_REQUEST_SIGN_REPLY_V1 = defineContract({
  topic: 's3connector.object-request.sign.v1.reply',
  version: 1,
  kind: 'request',
  valueClass: ObjectRequestSignReplyV1,
  keyOf: () => 'reply',
});

/** The AAD a signed object request is sealed with: it opens only for this domain and connection. */
export function objectRequestAad(domain: string, connectionId: string): string {
  return `object-request:${domain}:${connectionId}`;
}

/** The AAD every sealed connection secret is bound to: it opens only for this domain and connection. */
export function connectionSecretsAad(domain: string, connectionId: string): string {
  return `connection-secrets:${domain}:${connectionId}`;
}

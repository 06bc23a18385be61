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

/** Short-lived read access to one object, for the importer; the answer is sealed to `requesterPublicKey`. */
export class AccessGrantV1 {
  @IsUUID()
  connectionId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsString() @IsNotEmpty()
  bucket!: string;

  @IsString() @IsNotEmpty()
  key!: string;

  @IsString() @IsNotEmpty()
  requesterPublicKey!: string;
}
/** What a sealed access grant opens to (never travels in the clear). */
export interface AccessGrantPlaintext {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** ISO time after which the credentials are refused; ask again before. */
  expiration?: string;
  anonymous: boolean;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  headers?: Record<string, string>;
}
export class AccessGrantReplyV1 {
  @ValidateNested() @Type(() => SealedEnvelope)
  sealedAccess!: SealedEnvelope;

  @IsOptional() @IsISO8601()
  expiration?: string;
}
export const ACCESS_GRANT_V1 = defineContract({
  topic: 's3connector.access.grant.v1',
  version: 1,
  kind: 'request',
  valueClass: AccessGrantV1,
  keyOf: (value) => value.connectionId,
});
export const ACCESS_GRANT_REPLY_V1 = defineContract({
  topic: 's3connector.access.grant.v1.reply',
  version: 1,
  kind: 'request',
  valueClass: AccessGrantReplyV1,
  keyOf: () => 'reply',
});

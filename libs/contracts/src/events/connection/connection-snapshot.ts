import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
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
import { DOMAIN_PATTERN, StatusReason } from '../common';

export const AUTH_METHODS = ['iam_role', 'sigv4', 'anonymous'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const CONNECTION_STATUSES = ['valid', 'invalid'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** How a connection authenticates, without any secret: only whether each secret is set. */
export class ConnectionAuthDescriptor {
  @IsIn(AUTH_METHODS)
  method!: AuthMethod;

  @IsString() @IsNotEmpty()
  region!: string;

  @IsOptional() @IsString()
  url?: string;

  @IsOptional() @IsString()
  roleArn?: string;

  @IsOptional() @IsString()
  externalId?: string;

  @IsOptional() @IsString()
  accessKey?: string;

  @IsBoolean()
  secretAccessKeySet!: boolean;

  /** Names of the custom headers sent with each request (their values may be secret). */
  @IsArray() @IsString({ each: true })
  headerNames!: string[];
}

/** The state of a connection as other services may know it. No secret ever appears here. */
export class ConnectionSnapshot {
  @IsUUID()
  connectionId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsString() @IsNotEmpty()
  title!: string;

  @IsIn(['s3'])
  type!: 's3';

  @ValidateNested() @Type(() => ConnectionAuthDescriptor)
  auth!: ConnectionAuthDescriptor;

  @IsIn(CONNECTION_STATUSES)
  status!: ConnectionStatus;

  @IsOptional() @ValidateNested() @Type(() => StatusReason)
  statusReason?: StatusReason;

  /** Increases with every change: consumers apply a snapshot only when it is newer than theirs. */
  @IsInt() @Min(1)
  revision!: number;

  @IsISO8601()
  occurredAt!: string;
}

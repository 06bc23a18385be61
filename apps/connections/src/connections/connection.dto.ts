import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AUTH_METHODS, type AuthMethod } from '@s3c/contracts';
import { IsOmittable } from '@s3c/nest-kit';

/**
 * How the connection authenticates. Which fields apply depends on `method`; the service checks the
 * combination and answers with a coded error naming the field. `external_id` is never accepted:
 * the platform generates it.
 */
export class ConnectionAuthInputDto {
  @ApiProperty({ enum: AUTH_METHODS, example: 'iam_role' })
  @IsIn(AUTH_METHODS)
  method!: AuthMethod;

  @ApiProperty({ example: 'eu-west-3', description: "The bucket's region (an S3-compatible region such as `gra` for OVH)" })
  @IsString() @IsNotEmpty() @MaxLength(32)
  region!: string;

  @ApiPropertyOptional({ example: 'https://waterbucket.s3.bhs.io.cloud.ovh.net/fruits.csv', description: 'sigv4 and anonymous: the bucket or file URL' })
  @IsOmittable() @IsString() @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: 'arn:aws:iam::123456789012:role/ods-reader', description: 'iam_role: set once the role exists' })
  @IsOmittable() @IsString() @MaxLength(2048)
  role_arn?: string;

  @ApiPropertyOptional({ description: 'sigv4: access key id' })
  @IsOmittable() @IsString() @MaxLength(128)
  access_key?: string;

  @ApiPropertyOptional({ description: 'sigv4: secret access key (write-only, never returned)', writeOnly: true })
  @IsOmittable() @IsString() @MaxLength(256)
  secret_access_key?: string;

  @ApiPropertyOptional({ description: 'sigv4: extra headers sent with each request (values write-only)', type: 'object', additionalProperties: { type: 'string' } })
  @IsOmittable() @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Refused: the platform generates the external ID', readOnly: true })
  @IsOmittable()
  external_id?: unknown;
}

export class CreateConnectionDto {
  @ApiProperty({ example: 'Water quality bucket' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  title!: string;

  @ApiProperty({ enum: ['s3'] })
  @IsIn(['s3'])
  type!: 's3';

  @ApiProperty({ type: ConnectionAuthInputDto })
  @IsObject() @ValidateNested() @Type(() => ConnectionAuthInputDto)
  auth!: ConnectionAuthInputDto;
}

export class UpdateConnectionAuthDto {
  @ApiPropertyOptional({ example: 'arn:aws:iam::123456789012:role/ods-reader' })
  @IsOmittable() @IsString() @MaxLength(2048)
  role_arn?: string;

  @ApiPropertyOptional()
  @IsOmittable() @IsString() @IsNotEmpty() @MaxLength(32)
  region?: string;

  @ApiPropertyOptional()
  @IsOmittable() @IsString() @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ description: 'Key rotation: send with secret_access_key' })
  @IsOmittable() @IsString() @MaxLength(128)
  access_key?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOmittable() @IsString() @MaxLength(256)
  secret_access_key?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOmittable() @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Refused: immutable', readOnly: true })
  @IsOmittable()
  external_id?: unknown;

  @ApiPropertyOptional({ description: 'Refused: the method of a connection cannot change', readOnly: true })
  @IsOmittable()
  method?: unknown;
}

export class UpdateConnectionDto {
  @ApiPropertyOptional()
  @IsOmittable() @IsString() @IsNotEmpty() @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ type: UpdateConnectionAuthDto })
  @IsOmittable() @IsObject() @ValidateNested() @Type(() => UpdateConnectionAuthDto)
  auth?: UpdateConnectionAuthDto;
}

export class ListConnectionsQueryDto {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;
}

export class StatusReasonView {
  @ApiProperty({ example: 'ROLE_NOT_ASSUMABLE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() hint?: string;
}

export class ConnectionAuthView {
  @ApiProperty({ enum: AUTH_METHODS }) method!: AuthMethod;
  @ApiProperty() region!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) role_arn?: string | null;
  @ApiPropertyOptional() external_id?: string;
  @ApiPropertyOptional({ description: "The platform's AWS account, to trust in the role" }) ods_aws_account_id?: string;
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() access_key?: string;
  @ApiPropertyOptional({ description: 'Whether a secret access key is stored (it is never returned)' }) secret_access_key_set?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'Names of the custom headers (values are never returned)' }) header_names?: string[];
}

export class ConnectionSetupView {
  @ApiProperty({ description: 'Trust policy to paste in the role: trusts the platform principal with the external ID condition', type: 'object', additionalProperties: true })
  trust_policy!: object;
  @ApiProperty({ description: 'A least-privilege access policy example for the role', type: 'object', additionalProperties: true })
  access_policy_example!: object;
  @ApiProperty() principal_arn!: string;
}

export class ConnectionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['s3'] }) type!: 's3';
  @ApiProperty({ enum: ['valid', 'invalid'] }) status!: 'valid' | 'invalid';
  @ApiPropertyOptional({ type: StatusReasonView, nullable: true }) status_reason!: StatusReasonView | null;
  @ApiProperty({ type: ConnectionAuthView }) auth!: ConnectionAuthView;
  @ApiPropertyOptional({ type: ConnectionSetupView }) setup?: ConnectionSetupView;
  @ApiProperty() revision!: number;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class ConnectionListView {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [ConnectionView] }) items!: ConnectionView[];
}

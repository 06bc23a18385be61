import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy, type ValidationArguments } from 'class-validator';
import { MAX_SESSION_DURATION_SECONDS, MIN_REFRESH_MARGIN_SECONDS, MIN_SESSION_DURATION_SECONDS } from '@s3c/auth';
import { BaseServiceConfig, Secret } from '@s3c/nest-kit';

/** A number below another variable of the same config. */
function IsShorterThan(variable: string): PropertyDecorator {
  return ValidateBy({
    name: 'isShorterThan',
    constraints: [variable],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        typeof value === 'number' && value < Number((args?.object as Record<string, unknown>)[variable]),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'the value'} must be less than ${variable}`,
    },
  });
}

export class CredentialBrokerConfig extends BaseServiceConfig {
  /** The broker serves no API: this port answers health checks only. */
  @IsInt() @Min(1) @Max(65535)
  CREDENTIAL_BROKER_HEALTH_PORT: number = 3002;

  @IsString()
  CREDENTIAL_BROKER_DATABASE: string = 's3c_credentials';

  @IsString()
  CREDENTIAL_BROKER_GROUP_ID: string = 's3c-credential-broker';

  /** Holds the sealing key pair and, with the local provider, the key-encryption keys (mode 0700/0600). */
  @IsString()
  CREDENTIAL_BROKER_KEY_DIR: string = '.infra/credential-broker/keys';

  /** Where key-encryption keys come from: a local key file, or AWS KMS. */
  @IsIn(['local', 'kms'])
  CREDENTIAL_BROKER_KEK_PROVIDER: 'local' | 'kms' = 'local';

  /** KMS key id, ARN or alias when CREDENTIAL_BROKER_KEK_PROVIDER=kms. */
  @IsOptional() @IsString()
  CREDENTIAL_BROKER_KMS_KEY_ID?: string;

  /** The platform's own AWS identity: the principal customers trust. Used for STS (and KMS) only. */
  @Matches(/^[A-Z0-9]{16,128}$/, { message: 'PLATFORM_AWS_ACCESS_KEY_ID must be an AWS access key id' })
  PLATFORM_AWS_ACCESS_KEY_ID!: string;

  @Secret()
  @IsString()
  PLATFORM_AWS_SECRET_ACCESS_KEY!: string;

  @IsString()
  AWS_REGION: string = 'eu-west-1';

  /** An AWS-compatible endpoint for STS, KMS and IAM-role S3 access (the local AWS server); unset in production. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AWS_ENDPOINT_URL?: string;

  /** Length of the role sessions the broker assumes for reads (900–43200 s). */
  @IsInt() @Min(MIN_SESSION_DURATION_SECONDS) @Max(MAX_SESSION_DURATION_SECONDS)
  STS_SESSION_DURATION_SECONDS: number = 3600;

  /**
   * A role session is renewed once less than this remains (60 s to less than the duration; unset: the
   * larger of 300 s and 10 % of the duration). A session serves for duration − margin, which also bounds
   * how long reads go on after a tenant removes the platform from the role's trust policy.
   */
  @IsOptional() @IsInt() @Min(MIN_REFRESH_MARGIN_SECONDS) @IsShorterThan('STS_SESSION_DURATION_SECONDS')
  STS_SESSION_REFRESH_MARGIN_SECONDS?: number;
}

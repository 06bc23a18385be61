import { IsInt, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@s3c/nest-kit';

export class CredentialBrokerConfig extends BaseServiceConfig {
  /** The broker serves no API: this port answers health checks only. */
  @IsInt() @Min(1) @Max(65535)
  CREDENTIAL_BROKER_HEALTH_PORT: number = 3002;

  @IsString()
  CREDENTIAL_BROKER_DATABASE: string = 's3c_credentials';

  @IsString()
  CREDENTIAL_BROKER_GROUP_ID: string = 's3c-credential-broker';
}

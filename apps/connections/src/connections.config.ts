import { IsInt, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@s3c/nest-kit';

export class ConnectionsConfig extends BaseServiceConfig {
  @IsInt() @Min(1) @Max(65535)
  CONNECTIONS_HTTP_PORT: number = 3000;

  @IsString()
  CONNECTIONS_DATABASE: string = 's3c_connections';
}

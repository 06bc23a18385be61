import type { ServiceDefinition } from '@s3c/nest-kit';
import { AppModule } from './app.module';
import { ConnectionsConfig } from './connections.config';

export const connectionsService: ServiceDefinition<ConnectionsConfig> = {
  name: 'connections',
  configClass: ConnectionsConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  httpPort: (config) => config.CONNECTIONS_HTTP_PORT,
};

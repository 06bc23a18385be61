import { setupHttp, type ServiceDefinition } from '@s3c/nest-kit';
import { AppModule } from './app.module';
import { ConnectionsConfig } from './connections.config';

export const connectionsService: ServiceDefinition<ConnectionsConfig> = {
  name: 'connections',
  configClass: ConnectionsConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  httpPort: (config) => config.CONNECTIONS_HTTP_PORT,
  configure: (app) =>
    setupHttp(app, {
      title: 'S3 connector — connections',
      description: 'Connections to Amazon S3 and S3-compatible buckets: IAM role (with external_id), signature v4, anonymous.',
    }),
};

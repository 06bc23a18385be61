import type { ServiceDefinition } from '@s3c/nest-kit';
import { AppModule } from './app.module';
import { CredentialBrokerConfig } from './credential-broker.config';

export const credentialBrokerService: ServiceDefinition<CredentialBrokerConfig> = {
  name: 'credential-broker',
  configClass: CredentialBrokerConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  httpPort: (config) => config.CREDENTIAL_BROKER_HEALTH_PORT,
};

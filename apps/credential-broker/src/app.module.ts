import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { type JsonLogger, ServiceFoundationModule } from '@s3c/nest-kit';
import { BrokerCoreModule } from './broker-core.module';
import { CredentialBrokerConfig } from './credential-broker.config';
import { RequestsModule } from './requests/requests.module';
import { SecretsModule } from './secrets/secrets.module';

@Module({})
export class AppModule {
  static forRoot(config: CredentialBrokerConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: CredentialBrokerConfig,
          config,
          logger,
          database: config.CREDENTIAL_BROKER_DATABASE,
          kafka: { clientId: 's3c-credential-broker', groupId: config.CREDENTIAL_BROKER_GROUP_ID },
        }),
        BrokerCoreModule.forRoot(config),
        ConnectionViewsModule,
        SecretsModule,
        RequestsModule,
      ],
    };
  }
}

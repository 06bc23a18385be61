import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { ConfigModule, HealthModule, type JsonLogger, KafkaModule, LoggingModule, StoreModule } from '@s3c/nest-kit';
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
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(CredentialBrokerConfig, config),
        HealthModule,
        StoreModule.forRoot({ uri: config.MONGODB_URI, dbName: config.CREDENTIAL_BROKER_DATABASE }),
        KafkaModule.forRoot({ clientId: 's3c-credential-broker', brokers: config.KAFKA_BROKERS, groupId: config.CREDENTIAL_BROKER_GROUP_ID }),
        BrokerCoreModule.forRoot(config),
        ConnectionViewsModule,
        SecretsModule,
        RequestsModule,
      ],
    };
  }
}

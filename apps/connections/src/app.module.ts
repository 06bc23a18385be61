import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HealthModule, type JsonLogger, KafkaModule, LoggingModule, StoreModule } from '@s3c/nest-kit';
import { ConnectionsConfig } from './connections.config';
import { ConnectionsModule } from './connections/connections.module';
import { DomainsModule } from './domains/domains.module';
import { CONNECTION_VALIDATE_V1, PLATFORM_IDENTITY_DESCRIBE_V1 } from '@s3c/contracts';

/** Only what issuing API keys needs (store and producer): the domain:create command boots this, not the API. */
@Module({})
export class DomainAdminModule {
  static forRoot(config: ConnectionsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: DomainAdminModule,
      imports: [
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(ConnectionsConfig, config),
        HealthModule,
        StoreModule.forRoot({ uri: config.MONGODB_URI, dbName: config.CONNECTIONS_DATABASE }),
        KafkaModule.forRoot({ clientId: 's3c-domain-admin', brokers: config.KAFKA_BROKERS }),
        DomainsModule,
      ],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ConnectionsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(ConnectionsConfig, config),
        HealthModule,
        StoreModule.forRoot({ uri: config.MONGODB_URI, dbName: config.CONNECTIONS_DATABASE }),
        KafkaModule.forRoot({
          clientId: 's3c-connections',
          brokers: config.KAFKA_BROKERS,
          requestContracts: [PLATFORM_IDENTITY_DESCRIBE_V1, CONNECTION_VALIDATE_V1],
        }),
        DomainsModule,
        ConnectionsModule,
      ],
    };
  }
}

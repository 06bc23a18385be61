import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HealthModule, type JsonLogger, KafkaModule, LoggingModule, StoreModule } from '@s3c/nest-kit';
import { ConnectionsConfig } from './connections.config';
import { ConnectionsModule } from './connections/connections.module';

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
        KafkaModule.forRoot({ clientId: 's3c-connections', brokers: config.KAFKA_BROKERS }),
        ConnectionsModule,
      ],
    };
  }
}

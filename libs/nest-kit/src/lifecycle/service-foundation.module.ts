import { type DynamicModule, Module } from '@nestjs/common';
import type { BaseServiceConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { HealthModule } from '../health/health.module';
import { KafkaModule } from '../kafka/kafka.module';
import type { KafkaModuleOptions } from '../kafka/kafka.options';
import type { JsonLogger } from '../logging/json-logger';
import { LoggingModule } from '../logging/logging.module';
import { StoreModule } from '../store/store.module';

export interface ServiceFoundationOptions<C extends BaseServiceConfig> {
  configClass: new () => C;
  config: C;
  logger: JsonLogger;
  /** The service's own database (omit for a service without a store). */
  database?: string;
  /** Kafka client settings (brokers come from the config; omit for a service without Kafka). */
  kafka?: Omit<KafkaModuleOptions, 'brokers'>;
}

/**
 * What every service (and every one-shot command built from one) stands on: its validated config, JSON
 * logs, health, and, as asked, its store and its Kafka client. Each piece is global once imported.
 */
@Module({})
export class ServiceFoundationModule {
  static forRoot<C extends BaseServiceConfig>({ configClass, config, logger, database, kafka }: ServiceFoundationOptions<C>): DynamicModule {
    return {
      module: ServiceFoundationModule,
      imports: [
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(configClass, config),
        HealthModule,
        ...(database ? [StoreModule.forRoot({ uri: config.MONGODB_URI, dbName: database })] : []),
        ...(kafka ? [KafkaModule.forRoot({ ...kafka, brokers: config.KAFKA_BROKERS })] : []),
      ],
    };
  }
}

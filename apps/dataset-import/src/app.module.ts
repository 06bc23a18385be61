import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { OBJECT_REQUEST_SIGN_V1 } from '@s3c/contracts';
import { ConfigModule, HealthModule, type JsonLogger, KafkaModule, LoggingModule, StoreModule } from '@s3c/nest-kit';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DatasetImportConfig } from './dataset-import.config';
import { DatasetsModule } from './datasets/datasets.module';

@Module({})
export class AppModule {
  static forRoot(config: DatasetImportConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(DatasetImportConfig, config),
        HealthModule,
        StoreModule.forRoot({ uri: config.MONGODB_URI, dbName: config.DATASET_IMPORT_DATABASE }),
        KafkaModule.forRoot({
          clientId: 's3c-dataset-import',
          brokers: config.KAFKA_BROKERS,
          groupId: config.DATASET_IMPORT_GROUP_ID,
          requestContracts: [OBJECT_REQUEST_SIGN_V1],
        }),
        ApiKeysModule,
        ConnectionViewsModule,
        DatasetsModule,
      ],
    };
  }
}

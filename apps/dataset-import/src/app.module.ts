import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { OBJECT_REQUEST_SIGN_V1 } from '@s3c/contracts';
import { type JsonLogger, ServiceFoundationModule } from '@s3c/nest-kit';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DatasetImportConfig } from './dataset-import.config';
import { DatasetsModule } from './datasets/datasets.module';

@Module({})
export class AppModule {
  static forRoot(config: DatasetImportConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: DatasetImportConfig,
          config,
          logger,
          database: config.DATASET_IMPORT_DATABASE,
          kafka: { clientId: 's3c-dataset-import', groupId: config.DATASET_IMPORT_GROUP_ID, requestContracts: [OBJECT_REQUEST_SIGN_V1] },
        }),
        ApiKeysModule,
        ConnectionViewsModule,
        DatasetsModule,
      ],
    };
  }
}

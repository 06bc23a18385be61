import { setupHttp, type ServiceDefinition } from '@s3c/nest-kit';
import { AppModule } from './app.module';
import { DatasetImportConfig } from './dataset-import.config';

export const datasetImportService: ServiceDefinition<DatasetImportConfig> = {
  name: 'dataset-import',
  configClass: DatasetImportConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  httpPort: (config) => config.DATASET_IMPORT_HTTP_PORT,
  configure: (app) =>
    setupHttp(app, {
      title: 'S3 connector — datasets',
      description: 'Preview files of an S3 connection, create datasets from them and import them.',
    }),
};

import type { ServiceDefinition } from '@s3c/nest-kit';
import { AppModule } from './app.module';
import { DatasetImportConfig } from './dataset-import.config';

export const datasetImportService: ServiceDefinition<DatasetImportConfig> = {
  name: 'dataset-import',
  configClass: DatasetImportConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  httpPort: (config) => config.DATASET_IMPORT_HTTP_PORT,
};

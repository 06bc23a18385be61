import { IsInt, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@s3c/nest-kit';

export class DatasetImportConfig extends BaseServiceConfig {
  @IsInt() @Min(1) @Max(65535)
  DATASET_IMPORT_HTTP_PORT: number = 3001;

  @IsString()
  DATASET_IMPORT_DATABASE: string = 's3c_datasets';

  /** Consumer group of the importer; instances of one deployment share it. */
  @IsString()
  DATASET_IMPORT_GROUP_ID: string = 's3c-dataset-import';
}

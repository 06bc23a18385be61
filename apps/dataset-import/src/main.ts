import { runService } from '@s3c/nest-kit';
import { datasetImportService } from './dataset-import.service-definition';

void runService(datasetImportService);

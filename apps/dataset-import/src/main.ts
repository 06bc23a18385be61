import { setFlagsFromString } from 'node:v8';
import { runService } from '@s3c/nest-kit';
import { datasetImportService } from './dataset-import.service-definition';

// V8 allocates straight in its old generation the objects of allocation sites whose objects tended to
// survive. An import's values live until their batch is stored (40–150 ms on FerretDB), so the parser's
// sites got pretenured and every value then waited for a full collection: 39–41 mark-compacts per 100 MiB
// import. Without pretenuring, 12, and the importer spends 6.0 instead of 7.9 µs of CPU per row
// (docs/performance.md). Set before any import runs.
setFlagsFromString('--no-allocation-site-pretenuring');

void runService(datasetImportService);

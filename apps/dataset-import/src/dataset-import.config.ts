import { IsInt, IsNumber, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@s3c/nest-kit';
import { DEFAULT_INSERTS_IN_FLIGHT } from './imports/record-store';

export class DatasetImportConfig extends BaseServiceConfig {
  @IsInt() @Min(1) @Max(65535)
  DATASET_IMPORT_HTTP_PORT: number = 3001;

  @IsString()
  DATASET_IMPORT_DATABASE: string = 's3c_datasets';

  /** Imports one instance runs at the same time. */
  @IsInt() @Min(1) @Max(32)
  IMPORT_CONCURRENCY: number = 2;

  /** Rows per write to the store (and per checkpoint). */
  @IsInt() @Min(10) @Max(100_000)
  IMPORT_BATCH_SIZE: number = 2000;

  /**
   * Batches being written while the next one is parsed. Two keep the store busy while a batch waits for
   * the one before it (FerretDB serializes its writes): 100 MiB in one process, 86–100 k rows/s with one,
   * 96–109 k with two, no better with four (docs/performance.md).
   */
  @IsInt() @Min(1) @Max(8)
  IMPORT_WRITES_IN_FLIGHT: number = 2;

  /**
   * Blocks of records (1 000 each) an import inserts at once, whatever the batches in flight. FerretDB
   * writes one at a time per database: with two, one converts its document while the other writes (stored
   * blocks alone: 98–105 k records/s with one, 148–163 k with two, 120–128 k with four, which wait on
   * SQLite's lock). A MongoDB deployment may take more (docs/performance.md).
   */
  @IsInt() @Min(1) @Max(16)
  IMPORT_INSERTS_IN_FLIGHT: number = DEFAULT_INSERTS_IN_FLIGHT;

  /** An import fails when more than this share of its rows is rejected (0–1). */
  @IsNumber() @Min(0) @Max(1)
  IMPORT_MAX_REJECTED_RATIO: number = 0.1;

  /** Progress events: at most one per this many milliseconds... */
  @IsInt() @Min(100)
  IMPORT_PROGRESS_INTERVAL_MS: number = 1000;

  /** ...and per this many rows. */
  @IsInt() @Min(1)
  IMPORT_PROGRESS_EVERY_ROWS: number = 10_000;

  /** A worker that stops renewing its lease this long is presumed dead and its import is taken over. */
  @IsInt() @Min(2000)
  IMPORT_LEASE_MS: number = 15_000;

  /** A body that sends nothing for this long is cut and resumed from the last checkpoint. */
  @IsInt() @Min(1000)
  IMPORT_IDLE_TIMEOUT_MS: number = 30_000;

  /** Consumer group of the importer; instances of one deployment share it. */
  @IsString()
  DATASET_IMPORT_GROUP_ID: string = 's3c-dataset-import';
}

import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsNumber, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { defineContract } from '../../kafka/message-contract';
import { DOMAIN_PATTERN, StatusReason } from '../common';

export const DATASET_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'unchanged'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Fields every import message carries. Keyed by dataset id: one dataset's imports stay ordered. */
export class ImportMessageBase {
  @IsUUID()
  importId!: string;

  @Matches(DATASET_ID_PATTERN)
  datasetId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsISO8601()
  occurredAt!: string;
}

/** Command: import the dataset's sources (again). `force` imports even when no source changed. */
export class ImportRequestedV1 extends ImportMessageBase {
  @IsBoolean()
  force!: boolean;
}
export const IMPORT_REQUESTED_V1 = defineContract({
  topic: 's3connector.import.requested.v1',
  version: 1,
  kind: 'command',
  valueClass: ImportRequestedV1,
  keyOf: (value) => value.datasetId,
});

export class ImportStartedV1 extends ImportMessageBase {
  @IsInt() @Min(0)
  totalBytes!: number;

  /** True when the import picks up from a checkpoint after an interruption. */
  @IsBoolean()
  resumed!: boolean;
}
export const IMPORT_STARTED_V1 = defineContract({
  topic: 's3connector.import.started.v1',
  version: 1,
  kind: 'event',
  valueClass: ImportStartedV1,
  keyOf: (value) => value.datasetId,
});

/** Emitted at most every second and every N rows while an import runs. */
export class ImportProgressV1 extends ImportMessageBase {
  @IsInt() @Min(0)
  rowsRead!: number;

  @IsInt() @Min(0)
  rejectedRows!: number;

  @IsInt() @Min(0)
  bytesRead!: number;

  @IsInt() @Min(0)
  totalBytes!: number;

  @IsNumber() @Min(0)
  percent!: number;

  @IsNumber() @Min(0)
  rowsPerSecond!: number;
}
export const IMPORT_PROGRESS_V1 = defineContract({
  topic: 's3connector.import.progress.v1',
  version: 1,
  kind: 'event',
  valueClass: ImportProgressV1,
  keyOf: (value) => value.datasetId,
});

export class ImportSucceededV1 extends ImportMessageBase {
  @IsInt() @Min(0)
  recordCount!: number;

  @IsInt() @Min(0)
  rejectedRows!: number;

  @IsInt() @Min(0)
  bytesRead!: number;

  @IsInt() @Min(0)
  durationMs!: number;
}
export const IMPORT_SUCCEEDED_V1 = defineContract({
  topic: 's3connector.import.succeeded.v1',
  version: 1,
  kind: 'event',
  valueClass: ImportSucceededV1,
  keyOf: (value) => value.datasetId,
});

export class ImportFailedV1 extends ImportMessageBase {
  @ValidateNested() @Type(() => StatusReason)
  error!: StatusReason;

  @IsInt() @Min(0)
  rowsRead!: number;

  @IsInt() @Min(0)
  rejectedRows!: number;
}
export const IMPORT_FAILED_V1 = defineContract({
  topic: 's3connector.import.failed.v1',
  version: 1,
  kind: 'event',
  valueClass: ImportFailedV1,
  keyOf: (value) => value.datasetId,
});

/** Every source's ETag and size were unchanged: nothing was imported, the records stay as they are. */
export class ImportUnchangedV1 extends ImportMessageBase {}
export const IMPORT_UNCHANGED_V1 = defineContract({
  topic: 's3connector.import.unchanged.v1',
  version: 1,
  kind: 'event',
  valueClass: ImportUnchangedV1,
  keyOf: (value) => value.datasetId,
});

export const IMPORT_EVENT_CONTRACTS = [IMPORT_STARTED_V1, IMPORT_PROGRESS_V1, IMPORT_SUCCEEDED_V1, IMPORT_FAILED_V1, IMPORT_UNCHANGED_V1] as const;


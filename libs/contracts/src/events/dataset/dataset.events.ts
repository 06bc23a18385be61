import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineContract } from '../../kafka/message-contract';
import { DOMAIN_PATTERN } from '../common';
import { DATASET_ID_PATTERN } from '../import/import.events';

export const FIELD_TYPES = ['text', 'int', 'double', 'boolean', 'date', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export class DatasetField {
  /** Technical name: the key of the value in each record. */
  @IsString() @Matches(/^[a-z][a-z0-9_]{0,71}$/)
  name!: string;

  /** The header text the field came from. */
  @IsString() @MaxLength(1000)
  label!: string;

  @IsIn(FIELD_TYPES)
  type!: FieldType;

  /** For `double` fields written with a decimal comma (`3,14`). */
  @IsOptional() @IsIn(['.', ','])
  decimalSeparator?: '.' | ',';
}

export class DatasetSourceDescriptor {
  @IsUUID()
  sourceId!: string;

  @IsUUID()
  connectionId!: string;

  @IsString() @MaxLength(2048)
  location!: string;
}

/** The state of a dataset as other services may know it. */
export class DatasetSnapshot {
  @Matches(DATASET_ID_PATTERN)
  datasetId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsString() @MaxLength(200)
  title!: string;

  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => DatasetField)
  fields!: DatasetField[];

  @IsArray() @ValidateNested({ each: true }) @Type(() => DatasetSourceDescriptor)
  sources!: DatasetSourceDescriptor[];

  /** Records currently served (those of the last successful import). */
  @IsInt() @Min(0)
  recordCount!: number;

  @IsOptional() @IsUUID()
  publishedImportId?: string;

  @IsInt() @Min(1)
  revision!: number;

  @IsISO8601()
  occurredAt!: string;
}

export class DatasetCreatedV1 extends DatasetSnapshot {}
export const DATASET_CREATED_V1 = defineContract({
  topic: 's3connector.dataset.created.v1',
  version: 1,
  kind: 'event',
  valueClass: DatasetCreatedV1,
  keyOf: (value) => value.datasetId,
});

/** A source was added, or an import published new records. */
export class DatasetUpdatedV1 extends DatasetSnapshot {}
export const DATASET_UPDATED_V1 = defineContract({
  topic: 's3connector.dataset.updated.v1',
  version: 1,
  kind: 'event',
  valueClass: DatasetUpdatedV1,
  keyOf: (value) => value.datasetId,
});

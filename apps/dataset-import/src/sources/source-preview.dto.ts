import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsObject, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { FIELD_TYPES, type FieldType } from '@s3c/contracts';
import { IsOmittable } from '@s3c/nest-kit';
import type { SourcePreview } from './source-preview.service';
import { presentConfig, SourceConfigDto } from './source-config.dto';

export class FieldOverrideDto {
  @ApiPropertyOptional({ description: 'Technical name' }) @IsOmittable() @IsString() @MaxLength(72)
  name?: string;

  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(1000)
  label?: string;

  @ApiPropertyOptional({ enum: FIELD_TYPES }) @IsOmittable() @IsIn(FIELD_TYPES)
  type?: FieldType;
}

export class SourcePreviewRequestDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID()
  connection_id!: string;

  @ApiPropertyOptional({ description: 'A key under the connection URL, s3://bucket/key, or a full URL on its endpoint; omitted when the connection URL names the file', example: 'fruits.csv' })
  @IsOmittable() @IsString() @MaxLength(2048)
  location?: string;

  @ApiPropertyOptional({ type: SourceConfigDto }) @IsOmittable() @IsObject() @ValidateNested() @Type(() => SourceConfigDto)
  config?: SourceConfigDto;

  @ApiPropertyOptional({ type: [FieldOverrideDto], description: 'Per column, by position: name, label or type to use instead of the detected one' })
  @IsOmittable() @IsArray() @ValidateNested({ each: true }) @Type(() => FieldOverrideDto)
  fields?: FieldOverrideDto[];
}

function presentDetection(preview: SourcePreview['preview']) {
  const { detection } = preview;
  const option = <T>(entry: { value: T; detected: boolean; confidence: number }) => ({
    value: entry.value,
    detected: entry.detected,
    confidence: Math.round(entry.confidence * 100) / 100,
  });
  return {
    encoding: { ...option(detection.encoding), bom: detection.encoding.bom },
    compression: option(detection.compression),
    delimiter: option(detection.delimiter),
    quote_char: option(detection.quoteChar),
    escape_char: option(detection.escapeChar),
    header_row: option(detection.headerRow),
    skip_rows: option(detection.skipRows),
  };
}

/** The preview in the product's words. */
export function presentPreview({ object, preview, bytesRead }: SourcePreview) {
  return {
    object: {
      bucket: object.bucket,
      key: object.key,
      size: object.size,
      etag: object.etag,
      last_modified: object.lastModified ?? null,
      content_type: object.contentType ?? null,
    },
    config: presentConfig(preview.config),
    detection: presentDetection(preview),
    fields: preview.fields.map((field) => ({ name: field.name, label: field.label, type: field.type })),
    records: preview.records,
    rejected: preview.rejected.map((row) => ({ line: row.line, reason: row.reason, message: row.message, raw: row.raw })),
    complete: preview.complete,
    warnings: preview.warnings,
    bytes_read: bytesRead,
  };
}

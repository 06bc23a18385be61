import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable } from '@s3c/nest-kit';
import type { SourceConfig, SourceConfigOverrides } from '@s3c/parsing';

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;

/** The source configuration in the product's words; every option sent wins over detection. */
export class SourceConfigDto {
  @ApiPropertyOptional({ enum: ENCODINGS }) @IsOmittable() @IsIn(ENCODINGS)
  encoding?: (typeof ENCODINGS)[number];

  @ApiPropertyOptional({ enum: ['none', 'gzip'] }) @IsOmittable() @IsIn(['none', 'gzip'])
  compression?: 'none' | 'gzip';

  @ApiPropertyOptional({ example: ';' }) @IsOmittable() @IsString() @MaxLength(4)
  delimiter?: string;

  // `null` is a choice here (no quote character), hence IsOptional rather than IsOmittable.
  @ApiPropertyOptional({ example: '"', nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(1)
  quote_char?: string | null;

  @ApiPropertyOptional({ example: '"' }) @IsOmittable() @IsString() @MaxLength(1)
  escape_char?: string;

  @ApiPropertyOptional() @IsOmittable() @IsBoolean()
  header_row?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 }) @IsOmittable() @IsInt() @Min(0) @Max(1000)
  skip_rows?: number;
}

export function toOverrides(dto: SourceConfigDto | undefined): SourceConfigOverrides {
  if (!dto) {
    return {};
  }
  return {
    ...(dto.encoding !== undefined ? { encoding: dto.encoding } : {}),
    ...(dto.compression !== undefined ? { compression: dto.compression } : {}),
    ...(dto.delimiter !== undefined ? { delimiter: dto.delimiter } : {}),
    ...(dto.quote_char !== undefined ? { quoteChar: dto.quote_char } : {}),
    ...(dto.escape_char !== undefined ? { escapeChar: dto.escape_char } : {}),
    ...(dto.header_row !== undefined ? { headerRow: dto.header_row } : {}),
    ...(dto.skip_rows !== undefined ? { skipRows: dto.skip_rows } : {}),
  };
}

export function presentConfig(config: SourceConfig) {
  return {
    encoding: config.encoding,
    compression: config.compression,
    delimiter: config.delimiter,
    quote_char: config.quoteChar,
    escape_char: config.escapeChar,
    header_row: config.headerRow,
    skip_rows: config.skipRows,
  };
}

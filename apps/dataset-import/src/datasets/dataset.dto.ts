import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '@s3c/nest-kit';
import { FieldOverrideDto } from '../sources/source-preview.dto';
import { SourceConfigDto } from '../sources/source-config.dto';

export class DatasetSourceDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID()
  connection_id!: string;

  @ApiPropertyOptional({ example: 'fruits.csv', description: 'Omitted when the connection URL names the file' })
  @IsOmittable() @IsString() @MaxLength(2048)
  location?: string;

  @ApiPropertyOptional({ type: SourceConfigDto, description: 'The source configuration (what the preview answered, adjusted); missing options are detected' })
  @IsOmittable() @IsObject() @ValidateNested() @Type(() => SourceConfigDto)
  config?: SourceConfigDto;

  @ApiPropertyOptional({ type: [FieldOverrideDto] })
  @IsOmittable() @IsArray() @ValidateNested({ each: true }) @Type(() => FieldOverrideDto)
  fields?: FieldOverrideDto[];
}

export class CreateDatasetDto {
  @ApiProperty({ example: 'Water quality 2024' }) @IsString() @IsNotEmpty() @MaxLength(200)
  title!: string;

  @ApiPropertyOptional({ example: 'water-quality-2024', description: 'Technical identifier: lower-case letters, digits, "-" and "_"; derived from the title when absent' })
  @IsOmittable() @IsString() @MaxLength(100)
  dataset_id?: string;

  @ApiProperty({ type: DatasetSourceDto }) @IsObject() @ValidateNested() @Type(() => DatasetSourceDto)
  source!: DatasetSourceDto;
}

export class RequestImportDto {
  @ApiPropertyOptional({ description: 'Import even when every source is unchanged' }) @IsOmittable() @IsBoolean()
  force?: boolean;
}

export class PageQueryDto {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 20;

  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;
}

import { Injectable } from '@nestjs/common';
import { ConnectionViewsRepository } from '@s3c/connection-views';
import { isParsingError, previewCsv, type FieldDefinition, type PreviewResult, type SourceConfigOverrides } from '@s3c/parsing';
import { DatasetImportErrorCode as Code, DatasetImportException } from '../dataset-import.exception';
import { ObjectAccessClient, type ObjectStat, type ObjectTarget } from '../s3-access/object-access.client';
import { parsingFailure } from './parsing-failure';

/** 20 records of ordinary width fit in far less; wide rows get more, up to the maximum. */
const FIRST_RANGE_BYTES = 64 * 1024;
const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;

export interface SourcePreview {
  object: ObjectStat;
  preview: PreviewResult;
  bytesRead: number;
}

/** The first records of a file, from a bounded range of it, never the whole object. */
@Injectable()
export class SourcePreviewService {
  constructor(
    private readonly views: ConnectionViewsRepository,
    private readonly objects: ObjectAccessClient,
  ) {}

  async preview(target: ObjectTarget, overrides: SourceConfigOverrides, fieldOverrides?: Partial<FieldDefinition>[]): Promise<SourcePreview> {
    await this.assertUsableConnection(target.domain, target.connectionId);
    const object = await this.objects.stat(target);
    let prefix = Buffer.alloc(0);
    let wanted = Math.min(object.size, FIRST_RANGE_BYTES);
    for (;;) {
      if (wanted > prefix.length) {
        const more = await this.objects.readRange(target, { start: prefix.length, end: wanted - 1, etag: object.etag });
        prefix = Buffer.concat([prefix, more]);
      }
      try {
        const preview = await previewCsv(prefix, { objectSize: object.size, overrides, ...(fieldOverrides ? { fieldOverrides } : {}) });
        if (!preview.needMoreBytes || prefix.length >= Math.min(object.size, MAX_PREVIEW_BYTES)) {
          return { object, preview, bytesRead: prefix.length };
        }
      } catch (error) {
        if (isParsingError(error)) {
          throw parsingFailure(error);
        }
        throw error;
      }
      wanted = Math.min(object.size, MAX_PREVIEW_BYTES, prefix.length * 4);
    }
  }

  async assertUsableConnection(domain: string, connectionId: string): Promise<void> {
    const view = await this.views.findOne(domain, connectionId);
    if (!view) {
      throw new DatasetImportException(Code.ConnectionNotFound, `No connection ${connectionId} in your domain.`);
    }
    if (view.status !== 'valid') {
      throw new DatasetImportException(Code.ConnectionNotValid, `Connection ${connectionId} is not valid.`, 'Fix it and validate it again (POST /api/v1/connections/{id}/validate) before reading files with it.');
    }
  }
}

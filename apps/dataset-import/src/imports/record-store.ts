import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import type { CastRecord, RejectedRow } from '@s3c/parsing';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;

interface RecordDocument {
  /** the record's ordinal in the import: 0, 1, 2… across its sources, in source order then row order */
  _id: number;
  /** the typed values, keyed by technical field name */
  v: CastRecord;
}

interface RejectedDocument {
  _id: string;
  i: string;
  source: number;
  line: number;
  byteOffset: number;
  reason: string;
  message: string;
  raw: string;
  field?: string;
  value?: string;
}

function onlyDuplicates(error: unknown): boolean {
  const writeErrors = (error as mongo.MongoBulkWriteError).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return (error as { code?: number }).code === DUPLICATE_KEY || (list.length > 0 && list.every((entry) => entry.code === DUPLICATE_KEY));
}

/** The collection holding one import's records. */
export function recordsCollectionName(importId: string): string {
  return `records_${importId}`;
}

/**
 * Records and rejected rows, written straight to the driver in batches. Each import's records live in a
 * collection of their own, keyed by ordinal: no secondary index to maintain while writing, a page is one
 * `_id` range, and replacing or discarding an import drops one collection instead of deleting documents
 * (which FerretDB does with one SQL statement per call, failing beyond ~32 000 documents). Ids are derived
 * from the record's ordinal, so a batch written twice (a redelivered command, a resumed run) adds nothing.
 */
@Injectable()
export class RecordStore implements OnModuleInit {
  private readonly rejected: Collection<RejectedDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {
    this.rejected = connection.collection<RejectedDocument>('rejected_rows');
  }

  async onModuleInit(): Promise<void> {
    // An import's rejected rows by source and line (GET …/rejected).
    await this.rejected.createIndex({ i: 1, source: 1, line: 1 });
  }

  /** Writes records whose ordinals start at `firstOrdinal`. */
  async writeRecords(importId: string, firstOrdinal: number, records: CastRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const documents = records.map((values, index) => ({ _id: firstOrdinal + index, v: values }));
    await this.insertIgnoringDuplicates(this.recordsOf(importId), documents);
  }

  async writeRejected(importId: string, sourceIndex: number, rows: RejectedRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    const documents = rows.map((row) => ({
      _id: `${importId}:${sourceIndex}:${row.byteOffset}`,
      i: importId,
      source: sourceIndex,
      line: row.line,
      byteOffset: row.byteOffset,
      reason: row.reason,
      message: row.message,
      raw: row.raw,
      ...(row.field !== undefined ? { field: row.field } : {}),
      ...(row.value !== undefined ? { value: row.value } : {}),
    }));
    await this.insertIgnoringDuplicates(this.rejected, documents);
  }

  async recordsPage(importId: string, offset: number, limit: number): Promise<CastRecord[]> {
    const documents = await this.recordsOf(importId)
      .find({ _id: { $gte: offset, $lt: offset + limit } })
      .sort({ _id: 1 })
      .toArray();
    return documents.map((document) => document.v);
  }

  async rejectedPage(importId: string, offset: number, limit: number): Promise<RejectedDocument[]> {
    return this.rejected.find({ i: importId }).sort({ source: 1, line: 1 }).skip(offset).limit(limit).toArray();
  }

  /**
   * Drops an import's records (a failed import, or the previous version once a new one is published).
   * Callers make sure no write of that import is still in flight: a later insert would create the
   * collection again.
   */
  async deleteRecords(importId: string): Promise<void> {
    try {
      await this.recordsOf(importId).drop();
    } catch (error) {
      // Already dropped (a repeated cleanup), or the import wrote nothing.
      if ((error as { code?: number }).code !== NAMESPACE_NOT_FOUND) {
        throw error;
      }
    }
  }

  private recordsOf(importId: string): Collection<RecordDocument> {
    return this.connection.collection<RecordDocument>(recordsCollectionName(importId));
  }

  private async insertIgnoringDuplicates<T extends mongo.Document>(collection: Collection<T>, documents: mongo.OptionalUnlessRequiredId<T>[]): Promise<void> {
    try {
      await collection.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) {
        throw error;
      }
    }
  }
}

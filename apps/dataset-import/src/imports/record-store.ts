import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';

type Collection<T extends mongo.Document> = mongo.Collection<T>;
import type { CastRecord, RejectedRow } from '@s3c/parsing';

const DUPLICATE_KEY = 11000;

interface RecordDocument {
  _id: string;
  /** import id */
  i: string;
  /** position in the dataset: source index × 10^12 + row */
  s: number;
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

const SOURCE_STRIDE = 1e12;
/** Below SQLite's 32 766 bound variables per statement; as large as that allows, since FerretDB scans per delete. */
const DELETE_SLICE = 30_000;

function onlyDuplicates(error: unknown): boolean {
  const writeErrors = (error as mongo.MongoBulkWriteError).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return (error as { code?: number }).code === DUPLICATE_KEY || (list.length > 0 && list.every((entry) => entry.code === DUPLICATE_KEY));
}

/**
 * Records and rejected rows, written straight to the driver in batches. Ids are derived from the import
 * and the row's position, so a batch written twice (a redelivered command, a resumed run) adds nothing.
 */
@Injectable()
export class RecordStore implements OnModuleInit {
  private readonly records: Collection<RecordDocument>;
  private readonly rejected: Collection<RejectedDocument>;

  constructor(@InjectConnection() connection: Connection) {
    this.records = connection.collection<RecordDocument>('records');
    this.rejected = connection.collection<RejectedDocument>('rejected_rows');
  }

  async onModuleInit(): Promise<void> {
    // Reading a published import's records in order (GET …/records).
    await this.records.createIndex({ i: 1, s: 1 });
    // An import's rejected rows by source and line (GET …/rejected).
    await this.rejected.createIndex({ i: 1, source: 1, line: 1 });
  }

  async writeRecords(importId: string, sourceIndex: number, firstRow: number, records: CastRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const base = sourceIndex * SOURCE_STRIDE + firstRow;
    const documents = records.map((values, index) => ({ _id: `${importId}:${base + index}`, i: importId, s: base + index, v: values }));
    await this.insertIgnoringDuplicates(this.records, documents);
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
    const documents = await this.records.find({ i: importId }).sort({ s: 1 }).skip(offset).limit(limit).toArray();
    return documents.map((document) => document.v);
  }

  countRecords(importId: string): Promise<number> {
    return this.records.countDocuments({ i: importId });
  }

  async rejectedPage(importId: string, offset: number, limit: number): Promise<RejectedDocument[]> {
    return this.rejected.find({ i: importId }).sort({ source: 1, line: 1 }).skip(offset).limit(limit).toArray();
  }

  /**
   * Drops an import's records (a failed import, or the previous version once a new one is published),
   * in slices of consecutive positions: FerretDB deletes the matched documents with one SQL statement
   * listing their ids, which fails ("too many SQL variables") beyond ~32 000 documents, and matches a
   * position range far faster than a long `$in` list.
   */
  async deleteRecords(importId: string): Promise<number> {
    let deleted = 0;
    let from: number | undefined;
    for (;;) {
      if (from === undefined) {
        // Where the remaining positions start (each source's rows start at its own stride).
        const first = await this.records.find({ i: importId }, { projection: { s: 1 } }).sort({ s: 1 }).limit(1).next();
        if (!first) {
          return deleted;
        }
        from = first.s;
      }
      const result = await this.records.deleteMany({ i: importId, s: { $gte: from, $lt: from + DELETE_SLICE } });
      deleted += result.deletedCount;
      from = result.deletedCount > 0 ? from + DELETE_SLICE : undefined;
    }
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

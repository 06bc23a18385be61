import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import type { CastRecord, RejectedRow } from '@s3c/parsing';
import { concurrencyLimit, type ConcurrencyLimit } from './concurrency-limit';
import { blockId, blockIndexesOf, blockRecords, largeRecordId, RECORDS_PER_BLOCK, RecordBlockBuilder, type BlockWrite, type LargeRecord, type RecordBlock } from './record-blocks';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;

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

type StoredDocument = RecordBlock | LargeRecord;

/** Writes one run's records, in ordinal order, as blocks (see record-blocks.ts). */
export interface RecordWriter {
  /** Stores the blocks these records complete; the rest wait in memory for more records or `flush()`. */
  write(records: readonly CastRecord[]): Promise<void>;
  /** Stores the block being filled too: call it before saving a checkpoint. */
  flush(): Promise<void>;
}

/**
 * Blocks one writer inserts at once unless told otherwise (IMPORT_INSERTS_IN_FLIGHT's default). FerretDB
 * serializes writes to a database, and two inserts keep it busiest: one converts its document while the
 * other writes; with four they wait on SQLite's lock (docs/performance.md).
 */
export const DEFAULT_INSERTS_IN_FLIGHT = 2;

/** The collection holding one import's records. */
export function recordsCollectionName(importId: string): string {
  return `records_${importId}`;
}

/**
 * Records and rejected rows, written straight to the driver. Each import's records live in a collection
 * of their own, in blocks of consecutive ordinals: a block is one document (an insert carries a thousand
 * records, and the store's cost is per document), a page is one or two `_id` lookups, no secondary index
 * is maintained while writing, and replacing or discarding an import drops one collection instead of
 * deleting documents (which FerretDB does with one SQL statement per call, failing beyond ~32 000
 * documents). Block ids derive from ordinals, so a run that writes a block again (a redelivered command, a
 * resumed or stalled run) writes the same contents, and a partly stored block is only ever extended.
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

  /**
   * A writer of the records from `firstOrdinal` on. When that is inside a block (a resumed run, or a
   * source after the first), the block's stored records before it are read back, to complete the block.
   * At most `insertsInFlight` blocks are being inserted at once, whatever the number of `write` calls in
   * flight.
   */
  async openWriter(importId: string, firstOrdinal: number, insertsInFlight = DEFAULT_INSERTS_IN_FLIGHT): Promise<RecordWriter> {
    const collection = this.recordsOf(importId);
    const before = firstOrdinal % RECORDS_PER_BLOCK;
    let prefix: (CastRecord | null)[] = [];
    if (before > 0) {
      const stored = await collection.findOne({ _id: blockId(Math.floor(firstOrdinal / RECORDS_PER_BLOCK)) });
      const block = stored as RecordBlock | null;
      if (!block || block.count < before) {
        throw new Error(`Import ${importId} has ${block?.count ?? 0} stored records in the block of ordinal ${firstOrdinal}, expected at least ${before}: its records are incomplete.`);
      }
      prefix = blockRecords(block, 0, before);
    }
    const builder = new RecordBlockBuilder(firstOrdinal, prefix);
    const limit = concurrencyLimit(insertsInFlight);
    return {
      write: async (records) => this.storeBlocks(collection, builder.add(records), limit),
      flush: async () => {
        const open = builder.openBlock();
        await this.storeBlocks(collection, open ? [open] : [], limit);
      },
    };
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
    const collection = this.recordsOf(importId);
    const indexes = blockIndexesOf(offset, limit);
    // One findOne per block: MongoDB answers from the `_id` index; FerretDB filters inside SQLite and stops
    // at the match (a `$in` or a range would scan the whole collection).
    const blocks = await Promise.all(indexes.map((index) => collection.findOne({ _id: blockId(index) }) as Promise<RecordBlock | null>));
    const page: (CastRecord | null)[] = [];
    for (const [position, block] of blocks.entries()) {
      if (!block) {
        break;
      }
      const first = (indexes[0] + position) * RECORDS_PER_BLOCK;
      page.push(...blockRecords(block, Math.max(0, offset - first), offset + limit - first));
      if (block.count < RECORDS_PER_BLOCK) {
        break; // the last block so far
      }
    }
    return Promise.all(page.map(async (record, position) => record ?? this.largeRecord(collection, offset + position)));
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

  private recordsOf(importId: string): Collection<StoredDocument> {
    return this.connection.collection<StoredDocument>(recordsCollectionName(importId));
  }

  private async largeRecord(collection: Collection<StoredDocument>, ordinal: number): Promise<CastRecord> {
    const id = largeRecordId(Math.floor(ordinal / RECORDS_PER_BLOCK), ordinal % RECORDS_PER_BLOCK);
    const stored = (await collection.findOne({ _id: id })) as LargeRecord | null;
    if (!stored) {
      throw new Error(`The record at ordinal ${ordinal} is missing from the store (${id}).`);
    }
    return stored.record;
  }

  /**
   * Stores blocks side by side, as many at once as the writer's limit allows: the store spends its time
   * converting each document, and concurrent inserts let it use more than one core. A block's large
   * records go before the block that points at them.
   */
  private async storeBlocks(collection: Collection<StoredDocument>, writes: BlockWrite[], limit: ConcurrencyLimit): Promise<void> {
    // Every insert ends before a failure is reported: one still in flight could land after the caller
    // dropped the collection (a failed import), creating it again.
    const results = await Promise.allSettled(writes.map((write) => limit(() => this.storeBlock(collection, write))));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
  }

  /** A block already stored — by an earlier or a stalled run — holds the same records, maybe fewer: it is extended, never shortened. */
  private async storeBlock(collection: Collection<StoredDocument>, { block, largeRecords }: BlockWrite): Promise<void> {
    if (largeRecords.length > 0) {
      await this.insertIgnoringDuplicates(collection, largeRecords);
    }
    try {
      await collection.insertOne(block);
    } catch (error) {
      if (!onlyDuplicates(error)) {
        throw error;
      }
      // A longer version of a block holds the shorter one's records and places apart, and more.
      const { _id, ...contents } = block;
      await collection.updateOne({ _id, count: { $lt: block.count } }, { $set: contents });
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

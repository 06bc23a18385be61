import type { CastRecord } from '@s3c/parsing';

/**
 * Records per stored block. Part of the stored format: a block's id is its index, so a reader finds
 * the records at any ordinal with one `_id` lookup per block; changing it needs a migration.
 */
export const RECORDS_PER_BLOCK = 1000;

/**
 * A record whose estimated size is above this is stored alone, its block holding `null` at its place:
 * a block then stays below 12 MiB whatever the rows, under the store's 16 MiB document limit.
 */
export const LARGE_RECORD_BYTES = 12 * 1024;

/** Up to RECORDS_PER_BLOCK consecutive records of an import: block `i` holds ordinals i·size … (i+1)·size − 1. */
export interface RecordBlock {
  _id: string;
  /** The records the block holds so far, from its first ordinal on (a block only ever grows). */
  count: number;
  /** The records in ordinal order; `null` for a large record, stored in its own document. */
  records: (CastRecord | null)[];
}

/** A large record, stored beside its block. */
export interface LargeRecord {
  _id: string;
  record: CastRecord;
}

export interface BlockWrite {
  block: RecordBlock;
  /** Large records of the block not written yet; they go before the block that points at them. */
  largeRecords: LargeRecord[];
}

/**
 * Block ids are zero-padded strings: they sort in ordinal order, read well, and FerretDB filters a string
 * `_id` equality inside SQLite (a number one is decoded and compared document by document).
 */
export function blockId(index: number): string {
  return String(index).padStart(12, '0');
}

export function largeRecordId(blockIndex: number, position: number): string {
  return `${blockId(blockIndex)}.${position}`;
}

/** An upper bound of the record's stored size: 3 bytes per UTF-16 unit, 9 per other value, plus keys. */
export function estimatedRecordBytes(record: CastRecord): number {
  let bytes = 5;
  for (const key in record) {
    const value = record[key];
    bytes += key.length + 2 + (typeof value === 'string' ? 5 + 3 * value.length : 9);
  }
  return bytes;
}

/** The records of ordinals `offset` … `offset + limit − 1` are in these blocks. */
export function blockIndexesOf(offset: number, limit: number, blockSize = RECORDS_PER_BLOCK): number[] {
  if (limit <= 0) {
    return [];
  }
  const first = Math.floor(offset / blockSize);
  const last = Math.floor((offset + limit - 1) / blockSize);
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/**
 * Groups records arriving in ordinal order into blocks. Blocks are aligned on ordinals (not on the
 * import's batches), so a resumed or repeated run writes the same blocks with the same contents:
 * writes are idempotent, and a partly written block is only ever extended.
 */
export class RecordBlockBuilder {
  private index: number;
  private readonly pending: (CastRecord | null)[];
  private pendingLarge: LargeRecord[] = [];
  /** How much of the open block was last handed out by `openBlock()`. */
  private handedOut: number;

  /**
   * @param firstOrdinal the ordinal of the next record
   * @param prefix the block's records before `firstOrdinal`, as stored (a resumed run reads them back)
   */
  constructor(
    firstOrdinal: number,
    prefix: (CastRecord | null)[],
    private readonly blockSize = RECORDS_PER_BLOCK,
  ) {
    this.index = Math.floor(firstOrdinal / blockSize);
    if (prefix.length !== firstOrdinal % blockSize) {
      throw new RangeError(`A block continued at ordinal ${firstOrdinal} needs its ${firstOrdinal % blockSize} stored records, got ${prefix.length}.`);
    }
    this.pending = [...prefix];
    this.handedOut = prefix.length;
  }

  /** Adds records; returns the blocks they complete. */
  add(records: readonly CastRecord[]): BlockWrite[] {
    const completed: BlockWrite[] = [];
    for (const record of records) {
      if (estimatedRecordBytes(record) > LARGE_RECORD_BYTES) {
        this.pendingLarge.push({ _id: largeRecordId(this.index, this.pending.length), record });
        this.pending.push(null);
      } else {
        this.pending.push(record);
      }
      if (this.pending.length === this.blockSize) {
        completed.push(this.take(this.pending.splice(0)));
        this.index += 1;
        this.handedOut = 0;
      }
    }
    return completed;
  }

  /** The block being filled, when it grew since it was last handed out (to store it before a checkpoint). */
  openBlock(): BlockWrite | undefined {
    if (this.pending.length === this.handedOut) {
      return undefined;
    }
    this.handedOut = this.pending.length;
    return this.take([...this.pending]);
  }

  private take(records: (CastRecord | null)[]): BlockWrite {
    const largeRecords = this.pendingLarge;
    this.pendingLarge = [];
    return { block: { _id: blockId(this.index), count: records.length, records }, largeRecords };
  }
}

import type { CastRecord, CastValue } from '@s3c/parsing';

/**
 * Records per stored block. Part of the stored format: a block's id is its index, so a reader finds
 * the records at any ordinal with one `_id` lookup per block; changing it needs a migration.
 */
export const RECORDS_PER_BLOCK = 1000;

/**
 * A record whose estimated size is above this is stored alone, its block naming its place in `apart`:
 * a block then stays below 12 MiB whatever the rows, under the store's 16 MiB document limit.
 */
export const LARGE_RECORD_BYTES = 12 * 1024;

/**
 * Up to RECORDS_PER_BLOCK consecutive records of an import: block `i` holds ordinals i·size … (i+1)·size − 1.
 * Stored by column, as MongoDB stores its own time-series buckets: one array of `count` values per field,
 * in ordinal order, values keeping their types. The store's cost is per stored value and per key, and a
 * record's field names are then stored once per block instead of once per record (FerretDB spends 8–9 µs
 * of CPU per record on this form against 21–24 µs for an array of record objects; docs/performance.md).
 */
export interface RecordBlock {
  _id: string;
  /** The records the block holds so far, from its first ordinal on (a block only ever grows). */
  count: number;
  /** Field name → its value in each record of the block; `null` for an empty value and for a record stored apart. */
  columns: Record<string, CastValue[]>;
  /** Positions in the block of large records, each stored in its own document (absent when there is none). */
  apart?: number[];
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

/** The block form of consecutive records (`null`: a record stored apart). The records share their fields. */
export function toColumns(records: readonly (CastRecord | null)[]): Pick<RecordBlock, 'columns' | 'apart'> {
  // No prototype: a field name can never meet an inherited property (names are checked upstream too).
  const columns: Record<string, CastValue[]> = Object.create(null) as Record<string, CastValue[]>;
  const apart: number[] = [];
  for (let position = 0; position < records.length; position += 1) {
    const record = records[position];
    if (record === null) {
      apart.push(position);
      continue;
    }
    for (const name in record) {
      const column = (columns[name] ??= new Array<CastValue>(records.length).fill(null));
      column[position] = record[name];
    }
  }
  return apart.length > 0 ? { columns, apart } : { columns };
}

/** The block's records at positions `from` … `to − 1` (`null`: a record stored apart, in its own document). */
export function blockRecords(block: RecordBlock, from = 0, to = block.count): (CastRecord | null)[] {
  const names = Object.keys(block.columns);
  const columns = names.map((name) => block.columns[name]);
  const apart = new Set(block.apart);
  const records: (CastRecord | null)[] = [];
  for (let position = from; position < Math.min(to, block.count); position += 1) {
    if (apart.has(position)) {
      records.push(null);
      continue;
    }
    const record: CastRecord = {};
    for (let index = 0; index < names.length; index += 1) {
      record[names[index]] = columns[index][position];
    }
    records.push(record);
  }
  return records;
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
        // Stored before the block that names it apart.
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
    return { block: { _id: blockId(this.index), count: records.length, ...toColumns(records) }, largeRecords };
  }
}

import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CastRecord, FieldDefinition } from './cast';
import { CsvRowReader, RowHandler } from './csv-row-reader';
import { DecompressionGuard, mapZlibError } from './decompression';
import { ParsingError, ParsingErrorCode } from './parsing.exception';
import { assertValidFields, DEFAULT_RAW_LINE_MAX_BYTES, RecordBuilder, RejectedRow } from './record-builder';
import { RejectionBudget, RejectionThreshold } from './rejection-budget';
import { resolveSourceConfig, SourceConfig } from './source-config';

/**
 * Where an import stands after a batch: store it with the batch's writes, and a restarted importer
 * passes it back as `resumeFrom` to continue exactly after that batch.
 */
export interface ImportCheckpoint {
  /** Offset in the uncompressed source where the next row starts. */
  byteOffset: number;
  /** Lines of the source before `byteOffset` (keeps rejected rows' line numbers right after a resume). */
  linesRead: number;
  /** Data rows consumed so far: imported plus rejected (the header and blank lines are not rows). */
  rowsRead: number;
  rejectedRows: number;
}

export interface RecordBatch {
  records: CastRecord[];
  rejected: RejectedRow[];
  /** The position after the last row of this batch. */
  checkpoint: ImportCheckpoint;
  /** Bytes of the object consumed so far (compressed bytes for gzip), counted from the object's start: for progress. */
  objectBytesRead: number;
  /** The last batch: the file has been read to its end (it may hold no row). */
  done: boolean;
}

export interface ReadCsvRecordsOptions {
  sourceConfig: SourceConfig;
  fields: readonly FieldDefinition[];
  /** Rows (imported + rejected) per batch. Default 1000. */
  batchSize?: number;
  /**
   * Continue after a checkpoint. For `compression: 'none'` the source must be a ranged read starting
   * at `resumeFrom.byteOffset` (see {@link resumeRangeStart}); for gzip, the whole object again:
   * it is decompressed from the start and the bytes before the offset are skipped without parsing.
   */
  resumeFrom?: ImportCheckpoint;
  /** Bound on the raw line kept with a rejected row. Default 2048 bytes. */
  rawLineMaxBytes?: number;
  /** Fail with REJECTION_THRESHOLD_EXCEEDED when too many rows are rejected; no limit when absent. */
  rejectionThreshold?: RejectionThreshold;
}

export const DEFAULT_BATCH_SIZE = 1000;

/** Where the object read must start to resume at `checkpoint`: its byte offset, or 0 for gzip. */
export function resumeRangeStart(
  sourceConfig: Pick<SourceConfig, 'compression'>,
  checkpoint?: Pick<ImportCheckpoint, 'byteOffset'>,
): number {
  return checkpoint === undefined || sourceConfig.compression === 'gzip' ? 0 : checkpoint.byteOffset;
}

type ByteSource = AsyncIterable<Uint8Array | string>;

interface InputProgress {
  objectBytesRead: number;
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') {
    throw new TypeError('readCsvRecords needs a byte stream: do not set an encoding on the source stream');
  }
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The uncompressed bytes of the source; gzip is inflated lazily, so at most a few chunks are in memory. */
async function* uncompressedChunks(
  source: ByteSource,
  config: SourceConfig,
  progress: InputProgress,
): AsyncGenerator<Buffer> {
  if (config.compression === 'none') {
    for await (const chunk of source) {
      const buffer = asBuffer(chunk);
      progress.objectBytesRead += buffer.length;
      yield buffer;
    }
    return;
  }
  const gunzip = createGunzip();
  // Errors of either side surface through the iteration below; the callback only completes the API.
  pipeline(source, gunzip, () => undefined);
  const guard = new DecompressionGuard(config);
  let decompressed = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      decompressed += chunk.length;
      guard.check(gunzip.bytesWritten, decompressed);
      progress.objectBytesRead = gunzip.bytesWritten;
      yield chunk;
    }
  } catch (error) {
    throw mapZlibError(error, decompressed);
  }
}

class BatchCollector implements RowHandler {
  records: CastRecord[] = [];
  rejected: RejectedRow[] = [];
  readonly ready: RecordBatch[] = [];
  rowsRead: number;
  rejectedRows: number;
  sawHeader = false;
  sawRow = false;
  progress: InputProgress = { objectBytesRead: 0 };

  constructor(
    private readonly builder: RecordBuilder,
    private readonly fields: readonly FieldDefinition[],
    private readonly config: SourceConfig,
    private readonly batchSize: number,
    private readonly budget: RejectionBudget | undefined,
    private expectHeader: boolean,
    start: ImportCheckpoint | undefined,
  ) {
    this.rowsRead = start?.rowsRead ?? 0;
    this.rejectedRows = start?.rejectedRows ?? 0;
  }

  onRow(values: string[], reader: CsvRowReader): void {
    this.sawRow = true;
    if (this.expectHeader) {
      this.expectHeader = false;
      this.checkHeader(values, reader);
      return;
    }
    this.rowsRead++;
    const record = this.builder.build(values, reader);
    if (record !== undefined) {
      this.records.push(record);
    } else {
      this.rejected.push(this.builder.lastRejection as RejectedRow);
      this.rejectedRows++;
    }
    if (this.records.length + this.rejected.length >= this.batchSize) {
      this.seal(
        {
          byteOffset: reader.rowEnd,
          linesRead: reader.linesRead,
          rowsRead: this.rowsRead,
          rejectedRows: this.rejectedRows,
        },
        false,
      );
    }
  }

  seal(checkpoint: ImportCheckpoint, done: boolean): void {
    const batch: RecordBatch = {
      records: this.records,
      rejected: this.rejected,
      checkpoint,
      objectBytesRead: this.progress.objectBytesRead,
      done,
    };
    this.budget?.add(batch.records.length + batch.rejected.length, batch.rejected);
    this.records = [];
    this.rejected = [];
    this.budget?.check(done);
    this.ready.push(batch);
  }

  private checkHeader(values: string[], reader: CsvRowReader): void {
    this.sawHeader = true;
    // Trailing empty cells beyond the fields are not columns (the preview drops them the same way).
    let width = values.length;
    while (width > this.fields.length && values[width - 1] === '') width--;
    if (width > this.config.maxColumns) {
      throw new ParsingError(
        ParsingErrorCode.TOO_MANY_COLUMNS,
        `The header has ${width} columns, more than the maximum of ${this.config.maxColumns}.`,
        {
          details: { line: reader.rowLine, columns: width, maxColumns: this.config.maxColumns },
        },
      );
    }
    if (width !== this.fields.length) {
      throw new ParsingError(
        ParsingErrorCode.INVALID_FIELDS,
        `The file's header has ${values.length} columns but the dataset has ${this.fields.length} fields: the file changed since its fields were defined.`,
        {
          hint: 'Preview the source again and update the dataset fields.',
          details: { line: reader.rowLine, columns: values.length, fields: this.fields.length },
        },
      );
    }
  }
}

/**
 * The import pipeline: object bytes → gunzip (bounded) → decoding and csv-parse → cast by the
 * dataset's fields → batches. Memory stays flat: one batch, one parser buffer and a few chunks.
 * Rows that do not fit are rejected (never dropped silently); fatal problems throw ParsingError.
 * A file with a header and no data row yields one empty final batch; an empty file throws EMPTY_FILE.
 *
 * @param source the object's bytes (e.g. an S3 GetObject Body); for a resume of an uncompressed
 *   object, a ranged read from `resumeRangeStart(...)`.
 */
export async function* readCsvRecords(
  source: ByteSource,
  options: ReadCsvRecordsOptions,
): AsyncGenerator<RecordBatch, void, undefined> {
  const config = resolveSourceConfig(options.sourceConfig);
  assertValidFields(options.fields, config);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ParsingError(
      ParsingErrorCode.INVALID_CONFIG,
      `Invalid batch size ${batchSize}: it must be a positive integer.`,
      { details: { batchSize } },
    );
  }
  const resumeFrom = options.resumeFrom;
  const budget =
    options.rejectionThreshold === undefined
      ? undefined
      : new RejectionBudget(options.rejectionThreshold, resumeFrom);
  const builder = new RecordBuilder(
    options.fields,
    config,
    options.rawLineMaxBytes ?? DEFAULT_RAW_LINE_MAX_BYTES,
  );
  const collector = new BatchCollector(
    builder,
    options.fields,
    config,
    batchSize,
    budget,
    config.headerRow && resumeFrom === undefined,
    resumeFrom,
  );
  const rangeStart = resumeRangeStart(config, resumeFrom);
  collector.progress.objectBytesRead = rangeStart;
  const reader = new CsvRowReader(config, collector, {
    resumeFrom:
      resumeFrom === undefined
        ? undefined
        : { byteOffset: resumeFrom.byteOffset, linesRead: resumeFrom.linesRead },
    inputOffset: rangeStart,
  });

  for await (const chunk of uncompressedChunks(source, config, collector.progress)) {
    reader.write(chunk);
    while (collector.ready.length > 0) {
      yield collector.ready.shift() as RecordBatch;
    }
  }
  reader.end();
  if (resumeFrom === undefined && !collector.sawRow) {
    throw new ParsingError(
      ParsingErrorCode.EMPTY_FILE,
      'The file is empty: it has no header and no data row.',
      {
        hint: 'Choose a file with data, or check skip_rows is not larger than the file.',
        details: { byteOffset: reader.nextRowOffset },
      },
    );
  }
  collector.seal(
    {
      byteOffset: reader.nextRowOffset,
      linesRead: reader.linesRead,
      rowsRead: collector.rowsRead,
      rejectedRows: collector.rejectedRows,
    },
    true,
  );
  while (collector.ready.length > 0) {
    yield collector.ready.shift() as RecordBatch;
  }
}

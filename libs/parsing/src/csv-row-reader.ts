import { Parser } from 'csv-parse';
import { bomLength, incompleteUtf8TailLength, Utf8Validator } from './detect-encoding';
import { mapCsvParseError } from './parsing.exception';
import { nodeEncodingOf, rowHardLimitBytes, SourceConfig } from './source-config';
import { decodeBytes } from './text-decoding';

/** csv-parse's growable buffer holding the field being read (`state.field`). */
interface FieldBuffer {
  buf: Buffer;
  length: number;
  toString(encoding?: BufferEncoding): string | Uint8Array;
}

/**
 * csv-parse's synchronous engine, the object behind its stream and sync APIs. Driving it directly
 * gives, at the moment each record is pushed, the exact byte offset and line where it ends
 * (`info.bytes`, `info.lines`) without the per-record info object that `info: true` or
 * `on_record` allocate (which costs ~60% of the parse time), and without object-mode stream
 * overhead. The version is pinned; csv-row-reader.spec.ts guards this contract.
 */
interface CsvParseEngine {
  readonly info: { readonly bytes: number; readonly lines: number; readonly empty_lines: number };
  readonly state: { readonly quoting: boolean; readonly field: FieldBuffer };
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

function createEngine(config: SourceConfig): CsvParseEngine {
  const parser = new Parser({
    encoding: nodeEncodingOf(config.encoding),
    delimiter: config.delimiter,
    quote: config.quoteChar ?? false,
    escape: config.escapeChar,
    bom: false,
    cast: false,
    columns: false,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // Explicit rather than auto-discovered: discovery allocates buffers for every byte until the first
    // line break (a long first line, or a binary file, crawls), and it would then accept only that one
    // line ending, while files assembled from several sources mix them.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: rowHardLimitBytes(config),
  });
  const engine = (parser as unknown as { api?: CsvParseEngine }).api;
  const field = engine?.state.field;
  if (
    typeof engine?.parse !== 'function' ||
    typeof engine.info?.bytes !== 'number' ||
    !Buffer.isBuffer(field?.buf) ||
    typeof field.length !== 'number'
  ) {
    throw new Error(
      'csv-parse no longer exposes its parsing engine: @s3c/parsing is written against csv-parse 6.2.0',
    );
  }
  // csv-parse reads each field as `buf.slice(0, length).toString(encoding)`, making a Buffer object per
  // field only to decode it. Decoding in place gives the same string without it: parse + cast spends
  // 17 % less CPU per row (docs/performance.md).
  field.toString = function decodeInPlace(this: FieldBuffer, encoding?: BufferEncoding) {
    return encoding
      ? this.buf.toString(encoding, 0, this.length)
      : Uint8Array.prototype.slice.call(this.buf, 0, this.length);
  };
  return engine;
}

const LF = 0x0a;
const CR = 0x0d;
const doNothing = (): void => undefined;

/** Receives each complete row; the reader's `row*` properties describe it during the call. */
export interface RowHandler {
  onRow(fields: string[], reader: CsvRowReader): void;
}

export interface RowReaderPosition {
  /** Source offset where parsing starts: a row boundary recorded by an earlier run. */
  byteOffset: number;
  /** Lines of the source before that offset, so line numbers stay those of the file. */
  linesRead: number;
}

export interface RowReaderOptions {
  /**
   * Resume at a row boundary: no BOM, no skipped lines, no header. Without it the reader starts at
   * the beginning of the file, skips a BOM and `skipRows` lines.
   */
  resumeFrom?: RowReaderPosition;
  /** Source offset of the first byte written: 0, or the resume offset when the bytes come from a ranged GET. */
  inputOffset?: number;
}

interface WindowChunk {
  chunk: Buffer;
  /** Parser coordinate of chunk[0]. */
  start: number;
}

type Phase = 'discard' | 'bom' | 'skip' | 'parse';

/**
 * Bytes in, rows out. Handles everything between decompressed bytes and csv-parse: BOM, skipped
 * lines, resuming at a byte offset, UTF-16 BE (byte-swapped to LE so csv-parse decodes it and byte
 * offsets stay exact), UTF-8 validation, and for each row its start/end offsets, its first line and
 * its raw bytes on demand. All offsets are in the uncompressed source.
 */
export class CsvRowReader {
  /** Source offset where the current row starts (may include blank lines before it). */
  rowStart = 0;
  /** Source offset where the next row starts. */
  rowEnd = 0;
  /** Line of the source where the current row starts (1-based). */
  rowLine = 0;
  /** Source offset of the first invalid byte of the current row, or -1. */
  rowInvalidByteOffset = -1;
  /** Rows made only of empty fields (`,,,`), dropped like blank lines. */
  blankRows = 0;
  /** The header row is kept even when all its cells are empty: its columns still name the data's. */
  private headerPending: boolean;

  private readonly engine: CsvParseEngine;
  private readonly unitSize: 1 | 2;
  private readonly swapBytes: boolean;
  private readonly validator: Utf8Validator | undefined;
  private readonly invalidOffsets: number[] = [];
  private invalidHead = 0;

  private phase: Phase;
  private inputPosition: number;
  private parseOrigin: number;
  private lineOrigin: number;
  private pending: Buffer | undefined;
  private oddByte: Buffer | undefined;
  private skipRemaining: number;
  private afterCarriageReturn = false;

  private fed = 0;
  private currentRowStart = 0;
  private previousEndLine = 0;
  private previousEmptyLines = 0;
  /** csv-parse counts a CRLF inside a quoted field as two lines; this takes the extra ones back. */
  private lineCorrection = 0;
  private readonly window: WindowChunk[] = [];
  private stopped = false;

  constructor(
    private readonly config: SourceConfig,
    private readonly handler: RowHandler,
    options: RowReaderOptions = {},
  ) {
    this.engine = createEngine(config);
    this.unitSize = nodeEncodingOf(config.encoding) === 'utf16le' ? 2 : 1;
    this.swapBytes = config.encoding === 'utf-16be';
    this.validator = config.encoding === 'utf-8' ? new Utf8Validator() : undefined;
    this.inputPosition = options.inputOffset ?? options.resumeFrom?.byteOffset ?? 0;
    if (options.resumeFrom !== undefined) {
      this.phase = 'discard';
      this.parseOrigin = options.resumeFrom.byteOffset;
      this.lineOrigin = options.resumeFrom.linesRead;
      if (this.inputPosition > this.parseOrigin) {
        throw new RangeError(
          `input starts at ${this.inputPosition}, after the resume offset ${this.parseOrigin}`,
        );
      }
    } else {
      if (this.inputPosition !== 0) {
        throw new RangeError('without resumeFrom the input must start at byte 0');
      }
      this.phase = 'bom';
      this.parseOrigin = 0;
      this.lineOrigin = config.skipRows;
    }
    this.skipRemaining = config.skipRows;
    this.headerPending = config.headerRow && options.resumeFrom === undefined;
  }

  /** Source offset where the next (not yet emitted) row starts: the checkpoint position. */
  get nextRowOffset(): number {
    return this.parseOrigin + this.currentRowStart;
  }

  /** Lines of the source up to the end of the last emitted row: the checkpoint's line count. */
  get linesRead(): number {
    return this.lineOrigin + this.previousEndLine - this.lineCorrection;
  }

  /** Line where the next row would start. */
  get nextRowLine(): number {
    return this.linesRead + 1 + (this.engine.info.empty_lines - this.previousEmptyLines);
  }

  /** Bytes that reached the parser (after BOM/skipped lines), i.e. whether there was anything to parse. */
  get parsedBytes(): number {
    return this.fed;
  }

  /** Bytes written but not yet part of an emitted row (a row still being read). */
  get pendingRowBytes(): number {
    return this.fed - this.currentRowStart;
  }

  /** The parser stands inside a quoted field. */
  get insideQuotedField(): boolean {
    return this.engine.state.quoting;
  }

  /** Ignore every later row (the preview has what it needs). */
  stop(): void {
    this.stopped = true;
  }

  write(input: Buffer): void {
    if (this.stopped || input.length === 0) {
      return;
    }
    let chunk = this.unitSize === 2 ? this.alignUtf16(input) : input;
    chunk = this.prelude(chunk);
    if (chunk.length > 0) {
      this.feed(chunk);
    }
  }

  /** End of the input: flushes the last row; throws UNCLOSED_QUOTE when a quoted field never closed. */
  end(): void {
    if (this.stopped) {
      return;
    }
    if (this.phase === 'bom' && this.pending !== undefined) {
      const pending = this.pending;
      this.pending = undefined;
      const bom = bomLength(pending, this.unitSize === 2 ? 'utf-16le' : this.config.encoding);
      this.parseOrigin += bom;
      this.phase = this.skipRemaining > 0 ? 'skip' : 'parse';
      const rest = this.prelude(pending.subarray(bom));
      if (rest.length > 0) this.feed(rest);
    }
    if (this.oddByte !== undefined && this.phase === 'parse') {
      this.invalidOffsets.push(this.parseOrigin + this.fed);
      this.feed(this.oddByte);
      this.oddByte = undefined;
    }
    this.validator?.finish(this.invalidOffsets);
    const error = this.engine.parse(undefined, true, this.push, doNothing);
    if (error !== undefined) {
      throw this.mapError(error);
    }
  }

  /**
   * The current row's bytes, decoded, without its line break, cut at `maxBytes` (on a character
   * boundary). Only valid during `onRow`.
   */
  rawRow(maxBytes: number): string {
    const start = this.rowStart - this.parseOrigin;
    const end = Math.min(this.rowEnd - this.parseOrigin, start + maxBytes);
    const parts: Buffer[] = [];
    for (const { chunk, start: chunkStart } of this.window) {
      const from = Math.max(start, chunkStart);
      const to = Math.min(end, chunkStart + chunk.length);
      if (to > from) {
        parts.push(chunk.subarray(from - chunkStart, to - chunkStart));
      }
    }
    let bytes = Buffer.concat(parts);
    const truncated = end < this.rowEnd - this.parseOrigin;
    if (truncated && this.config.encoding === 'utf-8') {
      bytes = bytes.subarray(0, bytes.length - incompleteUtf8TailLength(bytes));
    } else if (this.unitSize === 2 && bytes.length % 2 === 1) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const text = decodeBytes(bytes, this.unitSize === 2 ? 'utf-16le' : this.config.encoding);
    return text.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  }

  private readonly push = (record: string[]): void => {
    const info = this.engine.info;
    const end = info.bytes;
    this.rowStart = this.parseOrigin + this.currentRowStart;
    this.rowEnd = this.parseOrigin + end;
    const emptyLines = info.empty_lines - this.previousEmptyLines;
    this.rowLine = this.lineOrigin + this.previousEndLine - this.lineCorrection + 1 + emptyLines;
    if (info.lines - this.previousEndLine - emptyLines > 1) {
      this.lineCorrection += countCrLf(record);
    }
    this.previousEndLine = info.lines;
    this.previousEmptyLines = info.empty_lines;
    this.rowInvalidByteOffset = -1;
    if (this.invalidHead < this.invalidOffsets.length) {
      this.consumeInvalidOffsets();
    }
    if (!this.stopped) {
      if (isBlankRecord(record) && !this.headerPending) {
        this.blankRows++;
      } else {
        this.headerPending = false;
        this.handler.onRow(record, this);
      }
    }
    this.currentRowStart = end;
    const window = this.window;
    while (window.length > 1 && window[1].start <= end) {
      window.shift();
    }
  };

  private consumeInvalidOffsets(): void {
    const offsets = this.invalidOffsets;
    while (this.invalidHead < offsets.length && offsets[this.invalidHead] < this.rowEnd) {
      if (this.rowInvalidByteOffset === -1 && offsets[this.invalidHead] >= this.rowStart) {
        this.rowInvalidByteOffset = offsets[this.invalidHead];
      }
      this.invalidHead++;
    }
    if (this.invalidHead === offsets.length) {
      offsets.length = 0;
      this.invalidHead = 0;
    }
  }

  private feed(chunk: Buffer): void {
    const start = this.fed;
    this.validator?.check(chunk, this.parseOrigin + start, this.invalidOffsets);
    this.window.push({ chunk, start });
    this.fed += chunk.length;
    const error = this.engine.parse(chunk, false, this.push, doNothing);
    if (error !== undefined) {
      throw this.mapError(error);
    }
  }

  private mapError(error: Error) {
    return mapCsvParseError(error, {
      line: this.nextRowLine,
      byteOffset: this.nextRowOffset,
      rowHardLimitBytes: rowHardLimitBytes(this.config),
    });
  }

  /** Keeps UTF-16 chunks whole code units (and swaps BE to LE), carrying an odd byte to the next chunk. */
  private alignUtf16(input: Buffer): Buffer {
    let bytes = input;
    let owned = false;
    if (this.oddByte !== undefined) {
      bytes = Buffer.concat([this.oddByte, input]);
      owned = true;
      this.oddByte = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.oddByte = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (this.swapBytes && bytes.length > 0) {
      // swap16 works in place: never on the caller's buffer.
      bytes = (owned ? bytes : Buffer.from(bytes)).swap16();
    }
    return bytes;
  }

  /** Drops what precedes the first row to parse (resume gap, BOM, skipped lines); returns the rest. */
  private prelude(input: Buffer): Buffer {
    let chunk = input;
    if (this.phase === 'discard') {
      const gap = this.parseOrigin - this.inputPosition;
      if (gap >= chunk.length) {
        this.inputPosition += chunk.length;
        return chunk.subarray(chunk.length);
      }
      chunk = chunk.subarray(gap);
      this.inputPosition = this.parseOrigin;
      this.phase = 'parse';
    }
    if (this.phase === 'bom') {
      if (this.pending !== undefined) {
        chunk = Buffer.concat([this.pending, chunk]);
        this.pending = undefined;
      }
      const longestBom = this.unitSize === 2 ? 2 : 3;
      if (chunk.length < longestBom) {
        this.pending = Buffer.from(chunk);
        return chunk.subarray(chunk.length);
      }
      const bom = bomLength(chunk, this.unitSize === 2 ? 'utf-16le' : this.config.encoding);
      chunk = chunk.subarray(bom);
      this.parseOrigin += bom;
      this.phase = this.skipRemaining > 0 ? 'skip' : 'parse';
    }
    if (this.phase === 'skip') {
      const consumed = this.skipLines(chunk);
      this.parseOrigin += consumed;
      chunk = chunk.subarray(consumed);
      if (this.skipRemaining === 0 && !this.afterCarriageReturn) {
        this.phase = 'parse';
      }
    }
    return this.phase === 'parse' ? chunk : chunk.subarray(chunk.length);
  }

  /** Counts physical lines (LF, CRLF or CR) without looking at quotes: skipped lines are titles and comments. */
  private skipLines(chunk: Buffer): number {
    const unit = this.unitSize;
    let index = 0;
    while (index + unit <= chunk.length) {
      const code = unit === 1 ? chunk[index] : chunk[index] | (chunk[index + 1] << 8);
      if (this.afterCarriageReturn) {
        this.afterCarriageReturn = false;
        if (code === LF) {
          index += unit;
          continue;
        }
      }
      if (this.skipRemaining === 0) {
        break;
      }
      if (code === LF) {
        this.skipRemaining--;
      } else if (code === CR) {
        this.skipRemaining--;
        this.afterCarriageReturn = true;
      }
      index += unit;
    }
    return index;
  }
}

/** `,,,` lines: what spreadsheets leave below the data. A single empty field is a real (quoted "") value. */
function isBlankRecord(record: string[]): boolean {
  if (record.length < 2 || record[0] !== '') {
    return false;
  }
  for (let index = 1; index < record.length; index++) {
    if (record[index] !== '') {
      return false;
    }
  }
  return true;
}

function countCrLf(record: string[]): number {
  let count = 0;
  for (const field of record) {
    let index = field.indexOf('\r\n');
    while (index !== -1) {
      count++;
      index = field.indexOf('\r\n', index + 2);
    }
  }
  return count;
}

/**
 * One code space for the CSV library. Fatal problems are thrown as {@link ParsingError}; row-level
 * problems (a subset of the same codes, {@link RejectReason}) reject one row and the import goes on.
 * Warnings never stop anything: they explain a guess or a repair made on the user's behalf.
 */
export enum ParsingErrorCode {
  EMPTY_FILE = 'EMPTY_FILE',
  NOT_TEXT = 'NOT_TEXT',
  INVALID_ENCODING = 'INVALID_ENCODING',
  UNCLOSED_QUOTE = 'UNCLOSED_QUOTE',
  RAGGED_ROW = 'RAGGED_ROW',
  INVALID_VALUE = 'INVALID_VALUE',
  FIELD_TOO_LARGE = 'FIELD_TOO_LARGE',
  ROW_TOO_LARGE = 'ROW_TOO_LARGE',
  TOO_MANY_COLUMNS = 'TOO_MANY_COLUMNS',
  DECOMPRESSION_LIMIT = 'DECOMPRESSION_LIMIT',
  TRUNCATED_GZIP = 'TRUNCATED_GZIP',
  CORRUPT_GZIP = 'CORRUPT_GZIP',
  MALFORMED_CSV = 'MALFORMED_CSV',
  INVALID_CONFIG = 'INVALID_CONFIG',
  INVALID_FIELDS = 'INVALID_FIELDS',
  REJECTION_THRESHOLD_EXCEEDED = 'REJECTION_THRESHOLD_EXCEEDED',
}

/** Why a single row was set aside instead of imported. */
export type RejectReason =
  | ParsingErrorCode.RAGGED_ROW
  | ParsingErrorCode.INVALID_VALUE
  | ParsingErrorCode.INVALID_ENCODING
  | ParsingErrorCode.FIELD_TOO_LARGE
  | ParsingErrorCode.ROW_TOO_LARGE;

export enum ParsingWarningCode {
  /** The file has a header (or nothing) but no data row: preview shows 0 records, import succeeds with 0 rows. */
  NO_RECORDS = 'NO_RECORDS',
  DUPLICATE_HEADER_NAMES = 'DUPLICATE_HEADER_NAMES',
  EMPTY_HEADER_NAMES = 'EMPTY_HEADER_NAMES',
  /** A detected option is a guess worth checking (confidence below 0.6). */
  LOW_CONFIDENCE = 'LOW_CONFIDENCE',
  /** The preview could not reach the requested number of records and more bytes would not help. */
  PREVIEW_INCOMPLETE = 'PREVIEW_INCOMPLETE',
  /** The prefix ends inside a quoted field that has run for a long way: maybe a quote is never closed. */
  POSSIBLE_UNCLOSED_QUOTE = 'POSSIBLE_UNCLOSED_QUOTE',
}

export interface ParsingWarning {
  code: ParsingWarningCode;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

export interface ParsingErrorOptions {
  hint?: string;
  /** Where it happened: `line` (1-based, in the source file), `byteOffset` (0-based, uncompressed source), ... */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/** What went wrong, why, and what to do; `details` locates it in the file. */
export class ParsingError extends Error {
  readonly code: ParsingErrorCode;
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ParsingErrorCode, message: string, options: ParsingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParsingError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function isParsingError(error: unknown): error is ParsingError {
  return error instanceof ParsingError;
}

/** Where the parser stood when csv-parse gave up, in source coordinates. */
export interface CsvParseErrorContext {
  line: number;
  byteOffset: number;
  /** The size beyond which the parser stops buffering a row (see `rowHardLimitBytes`). */
  rowHardLimitBytes: number;
}

/**
 * csv-parse reports `CSV_*` codes; callers only ever see ours. With the options this library
 * sets (relaxed column count and quotes) only a few of them can occur; the rest map to MALFORMED_CSV.
 */
export function mapCsvParseError(error: unknown, context: CsvParseErrorContext): ParsingError {
  const csvCode =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const where = { line: context.line, byteOffset: context.byteOffset, csvParseCode: csvCode };
  if (csvCode === 'CSV_QUOTE_NOT_CLOSED') {
    return new ParsingError(
      ParsingErrorCode.UNCLOSED_QUOTE,
      `A quoted field opened on line ${context.line} is never closed before the end of the file.`,
      {
        hint: 'Close the quote in the file, or set quote_char to another character if quotes are not used for quoting.',
        details: where,
        cause: error,
      },
    );
  }
  if (csvCode === 'CSV_MAX_RECORD_SIZE') {
    return new ParsingError(
      ParsingErrorCode.ROW_TOO_LARGE,
      `The row starting on line ${context.line} grows beyond ${context.rowHardLimitBytes} bytes without ending; the import stops because it cannot find where the row ends.`,
      {
        hint: 'This is usually a quote that is never closed. Fix the file or raise max_row_bytes.',
        details: where,
        cause: error,
      },
    );
  }
  if (csvCode?.startsWith('CSV_INVALID_OPTION') || csvCode?.startsWith('CSV_OPTION')) {
    return new ParsingError(
      ParsingErrorCode.INVALID_CONFIG,
      `The source configuration is not accepted by the CSV parser: ${(error as Error).message}`,
      {
        details: where,
        cause: error,
      },
    );
  }
  return new ParsingError(
    ParsingErrorCode.MALFORMED_CSV,
    `The CSV cannot be parsed near line ${context.line} (byte ${context.byteOffset}): ${(error as Error)?.message ?? String(error)}`,
    {
      hint: 'Check the delimiter, quote and escape characters of the source configuration.',
      details: where,
      cause: error,
    },
  );
}

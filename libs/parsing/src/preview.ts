import { CastRecord, FieldDefinition } from './cast';
import { CsvRowReader, RowHandler } from './csv-row-reader';
import { gunzipPrefix } from './decompression';
import { assertNoBinarySignature, detectCompression } from './detect-compression';
import { assertLooksLikeText, bomLength, detectEncoding, incompleteUtf8TailLength } from './detect-encoding';
import { buildFieldNames, defaultLabel } from './field-names';
import { ColumnTypeAccumulator, FIELD_TYPES } from './infer-types';
import { ParsingError, ParsingErrorCode, ParsingWarning, ParsingWarningCode } from './parsing.exception';
import {
  assertValidFields,
  DEFAULT_RAW_LINE_MAX_BYTES,
  RecordBuilder,
  RejectedRow,
  RowContext,
} from './record-builder';
import { sniffDialect } from './sniff-dialect';
import {
  DEFAULT_SOURCE_LIMITS,
  DetectedOption,
  EncodingDetectedOption,
  imposedOption,
  normalizeEncoding,
  resolveSourceConfig,
  SourceCompression,
  SourceConfig,
  SourceConfigDetection,
  SourceConfigOverrides,
  SOURCE_ENCODINGS,
} from './source-config';
import { decodeBytes, repairWindows1252 } from './text-decoding';

export const DEFAULT_PREVIEW_RECORDS = 20;
/** Rows sampled (within the prefix) to infer the fields' types: more than are shown, so a column empty in the first 20 rows still gets a type. */
export const DEFAULT_INFERENCE_ROWS = 1000;
/** Decompressed bytes a gzip preview may produce: caps the cost of a bomb. */
export const DEFAULT_PREVIEW_DECOMPRESSED_BYTES = 4 * 1024 * 1024;
/** Text handed to the dialect sniffer. */
const SNIFF_BYTES = 64 * 1024;
/** Bytes fed to the parser at a time, so it stops soon after it has enough rows. */
const FEED_BYTES = 64 * 1024;
/** A quoted field still open after this many bytes at the end of the prefix earns a warning. */
const SUSPICIOUS_OPEN_QUOTE_BYTES = 64 * 1024;
const LOW_CONFIDENCE = 0.6;

export interface PreviewOptions {
  /** Size of the whole object (HEAD, or the total of a Content-Range): tells whether the prefix is all of it. */
  objectSize: number;
  /** Source options the user chose; each wins over detection and the preview reflects it. */
  overrides?: SourceConfigOverrides;
  /** Per column, by position: name, label, type or decimal separator chosen by the user. */
  fieldOverrides?: ReadonlyArray<Partial<FieldDefinition> | undefined>;
  /** Records shown. Default 20. */
  maxRecords?: number;
  /** Rows sampled for type inference. Default 1000. */
  inferenceRows?: number;
  /** Cap on decompressed bytes for a gzip prefix. Default 4 MiB. */
  maxDecompressedBytes?: number;
  /** Bound on the raw line kept with a rejected row. Default 2048. */
  rawLineMaxBytes?: number;
}

export interface PreviewResult {
  /** The source configuration the preview used: detection completed by the overrides. */
  config: SourceConfig;
  /** Per option: the value, whether it was detected or imposed, how sure, why. */
  detection: SourceConfigDetection;
  fields: FieldDefinition[];
  /** The first data rows (at most maxRecords) that cast cleanly... */
  records: CastRecord[];
  /** ...and those among them an import would reject. */
  rejected: RejectedRow[];
  /** Offset in the uncompressed source where the row after the previewed ones starts. */
  bytesUsed: number;
  /** Every row of the file is in `records` and `rejected`. */
  complete: boolean;
  /** Fewer than maxRecords rows were found and a longer prefix would find more: fetch a bigger range. */
  needMoreBytes: boolean;
  warnings: ParsingWarning[];
}

interface CollectedRow extends RowContext {
  values: string[];
  raw: string;
}

class PreviewCollector implements RowHandler {
  readonly rows: CollectedRow[] = [];

  constructor(
    private readonly maxRows: number,
    private readonly keepRawRows: number,
    private readonly rawLineMaxBytes: number,
  ) {}

  onRow(values: string[], reader: CsvRowReader): void {
    const raw = this.rows.length < this.keepRawRows ? reader.rawRow(this.rawLineMaxBytes) : '';
    this.rows.push({
      values,
      raw,
      rowStart: reader.rowStart,
      rowEnd: reader.rowEnd,
      rowLine: reader.rowLine,
      rowInvalidByteOffset: reader.rowInvalidByteOffset,
      rawRow: () => raw,
    });
    if (this.rows.length >= this.maxRows) {
      reader.stop();
    }
  }
}

interface DecompressedPrefix {
  data: Buffer;
  /** `data` holds the whole (uncompressed) file. */
  complete: boolean;
  /** gzip output hit the preview cap: more compressed bytes would not help. */
  capped: boolean;
}

async function uncompressPrefix(
  prefix: Buffer,
  compression: SourceCompression,
  wholeObject: boolean,
  options: PreviewOptions,
  overrides: SourceConfigOverrides,
): Promise<DecompressedPrefix> {
  if (compression === 'none') {
    return { data: prefix, complete: wholeObject, capped: false };
  }
  const maxDecompressedBytes = overrides.maxDecompressedBytes ?? DEFAULT_SOURCE_LIMITS.maxDecompressedBytes;
  const { data, ended, capped } = await gunzipPrefix(prefix, {
    wholeObject,
    maxOutputBytes: Math.min(
      options.maxDecompressedBytes ?? DEFAULT_PREVIEW_DECOMPRESSED_BYTES,
      maxDecompressedBytes + 1,
    ),
    limits: {
      maxDecompressedBytes,
      maxCompressionRatio: overrides.maxCompressionRatio ?? DEFAULT_SOURCE_LIMITS.maxCompressionRatio,
    },
  });
  assertNoBinarySignature(data);
  return { data, complete: ended, capped };
}

function detectOrImposeEncoding(
  data: Buffer,
  complete: boolean,
  imposed: string | undefined,
): EncodingDetectedOption {
  if (imposed === undefined) {
    return detectEncoding(data, !complete);
  }
  const encoding = normalizeEncoding(imposed);
  if (encoding === undefined) {
    throw new ParsingError(
      ParsingErrorCode.INVALID_CONFIG,
      `Invalid source configuration: encoding must be one of ${SOURCE_ENCODINGS.join(', ')}.`,
      {
        details: { option: 'encoding', value: imposed },
      },
    );
  }
  return { ...imposedOption(encoding), bom: bomLength(data, encoding) > 0 };
}

/** The beginning of the text, cut on a character boundary, for the sniffer. */
function sampleText(body: Buffer, encoding: SourceConfig['encoding']): { text: string; cut: boolean } {
  let bytes = body.subarray(0, SNIFF_BYTES);
  if (encoding === 'utf-8') {
    bytes = bytes.subarray(0, bytes.length - incompleteUtf8TailLength(bytes));
  } else if ((encoding === 'utf-16le' || encoding === 'utf-16be') && bytes.length % 2 === 1) {
    bytes = bytes.subarray(0, bytes.length - 1);
  }
  return { text: decodeBytes(bytes, encoding), cut: body.length > SNIFF_BYTES };
}

function byteOffsetOfCharacter(
  text: string,
  index: number,
  encoding: SourceConfig['encoding'],
  bom: number,
): number {
  switch (encoding) {
    case 'utf-8':
      return bom + Buffer.byteLength(text.slice(0, index), 'utf8');
    case 'utf-16le':
    case 'utf-16be':
      return bom + index * 2;
    case 'windows-1252':
    case 'iso-8859-1':
      return bom + index;
  }
}

function lowConfidenceWarnings(detection: SourceConfigDetection): ParsingWarning[] {
  return Object.entries(detection)
    .filter(
      ([, option]) =>
        (option as DetectedOption<unknown>).detected &&
        (option as DetectedOption<unknown>).confidence < LOW_CONFIDENCE,
    )
    .map(([name, option]) => ({
      code: ParsingWarningCode.LOW_CONFIDENCE,
      message: `The detected ${name} (${JSON.stringify((option as DetectedOption<unknown>).value)}) is a guess: ${(option as DetectedOption<unknown>).reason}. Check it.`,
      details: { option: name, confidence: (option as DetectedOption<unknown>).confidence },
    }));
}

function applyFieldOverrides(
  fields: FieldDefinition[],
  overrides: PreviewOptions['fieldOverrides'],
): FieldDefinition[] {
  if (overrides === undefined) {
    return fields;
  }
  return fields.map((field, index) => {
    const override = overrides[index];
    if (override === undefined) return field;
    if (override.type !== undefined && !FIELD_TYPES.includes(override.type)) {
      throw new ParsingError(
        ParsingErrorCode.INVALID_FIELDS,
        `Field ${index + 1}: unknown type ${JSON.stringify(override.type)}.`,
        {
          details: { column: index + 1, type: override.type },
        },
      );
    }
    const merged: FieldDefinition = {
      name: override.name ?? field.name,
      label: override.label ?? field.label,
      type: override.type ?? field.type,
    };
    const decimalSeparator =
      override.decimalSeparator ??
      (override.type === undefined || override.type === field.type ? field.decimalSeparator : undefined);
    if (merged.type === 'double' && decimalSeparator !== undefined)
      merged.decimalSeparator = decimalSeparator;
    return merged;
  });
}

/**
 * Previews a source from a bounded prefix of the object (e.g. a ranged GET of its first 256 KiB):
 * detects compression, encoding and dialect, names and types the fields, casts the first records.
 * Any option in `overrides` wins over detection. If the prefix ends mid-row, that row is dropped;
 * if it holds fewer than `maxRecords` rows of a larger object, `needMoreBytes` asks for a bigger range.
 * Throws ParsingError (EMPTY_FILE, NOT_TEXT, UNCLOSED_QUOTE, TOO_MANY_COLUMNS, ...).
 */
export async function previewCsv(prefix: Buffer, options: PreviewOptions): Promise<PreviewResult> {
  const overrides = options.overrides ?? {};
  const maxRecords = options.maxRecords ?? DEFAULT_PREVIEW_RECORDS;
  const inferenceRows = Math.max(options.inferenceRows ?? DEFAULT_INFERENCE_ROWS, maxRecords);
  const rawLineMaxBytes = options.rawLineMaxBytes ?? DEFAULT_RAW_LINE_MAX_BYTES;
  if (prefix.length === 0) {
    throw emptyFile();
  }
  const wholeObject = prefix.length >= options.objectSize;

  const compression: DetectedOption<SourceCompression> =
    overrides.compression !== undefined ? imposedOption(overrides.compression) : detectCompression(prefix);
  const {
    data,
    complete: dataComplete,
    capped,
  } = await uncompressPrefix(prefix, compression.value, wholeObject, options, overrides);

  const encoding = detectOrImposeEncoding(data, dataComplete, overrides.encoding);
  const bom = bomLength(data, encoding.value);
  const body = data.subarray(bom);
  const sample = sampleText(body, encoding.value);
  assertLooksLikeText(sample.text, (index) => byteOffsetOfCharacter(sample.text, index, encoding.value, bom));
  if (dataComplete && sample.text.trim() === '' && !sample.cut) {
    throw emptyFile();
  }

  const dialect = sniffDialect(sample.text, {
    truncated: sample.cut || !dataComplete,
    imposed: {
      delimiter: overrides.delimiter,
      quoteChar: overrides.quoteChar,
      escapeChar: overrides.escapeChar,
      headerRow: overrides.headerRow,
      skipRows: overrides.skipRows,
    },
  });
  const detection: SourceConfigDetection = { encoding, compression, ...dialect };
  const config = resolveSourceConfig({
    ...overrides,
    encoding: encoding.value,
    compression: compression.value,
    delimiter: dialect.delimiter.value,
    quoteChar: dialect.quoteChar.value,
    escapeChar: dialect.escapeChar.value,
    headerRow: dialect.headerRow.value,
    skipRows: dialect.skipRows.value,
  });

  const headerRows = config.headerRow ? 1 : 0;
  const collector = new PreviewCollector(
    headerRows + inferenceRows,
    headerRows + maxRecords,
    rawLineMaxBytes,
  );
  const reader = new CsvRowReader(config, collector);
  for (
    let offset = 0;
    offset < data.length && collector.rows.length < headerRows + inferenceRows;
    offset += FEED_BYTES
  ) {
    reader.write(data.subarray(offset, offset + FEED_BYTES));
  }
  const readToEnd = dataComplete && collector.rows.length < headerRows + inferenceRows;
  if (readToEnd) {
    reader.end();
  }

  const warnings: ParsingWarning[] = lowConfidenceWarnings(detection);
  const rows = collector.rows;
  if (rows.length === 0) {
    if (readToEnd) {
      throw emptyFile();
    }
    return {
      config,
      detection,
      fields: [],
      records: [],
      rejected: [],
      bytesUsed: 0,
      complete: false,
      needMoreBytes: !dataComplete && !capped,
      warnings: [...warnings, ...incompleteWarnings(reader, capped, dataComplete)],
    };
  }

  const header = config.headerRow ? rows[0] : undefined;
  const dataRows = config.headerRow ? rows.slice(1) : rows;
  const width = header !== undefined ? headerWidth(header.values, dataRows) : dataRows[0].values.length;
  if (width > config.maxColumns) {
    throw new ParsingError(
      ParsingErrorCode.TOO_MANY_COLUMNS,
      `The file has ${width} columns, more than the maximum of ${config.maxColumns}.`,
      {
        hint: 'Check the delimiter; if it is right, the file has too many columns to import.',
        details: { line: rows[0].rowLine, columns: width, maxColumns: config.maxColumns },
      },
    );
  }
  const labels =
    header !== undefined
      ? header.values
          .slice(0, width)
          .map((label) => (config.encoding === 'windows-1252' ? repairWindows1252(label) : label).trim())
      : Array.from({ length: width }, (_, index) => defaultLabel(index));
  const naming = buildFieldNames(labels);
  warnings.push(...naming.warnings);

  const allowDecimalComma = !config.delimiter.includes(',');
  const accumulators = labels.map(() => new ColumnTypeAccumulator(allowDecimalComma));
  for (const row of dataRows) {
    if (row.values.length < width) continue;
    for (let column = 0; column < width; column++) accumulators[column].add(row.values[column]);
  }
  const inferred: FieldDefinition[] = labels.map((label, index) => ({
    name: naming.names[index],
    label,
    ...accumulators[index].result(),
  }));
  const fields = applyFieldOverrides(inferred, options.fieldOverrides);
  assertValidFields(fields, config);

  const shown = dataRows.slice(0, maxRecords);
  const builder = new RecordBuilder(fields, config, rawLineMaxBytes);
  const records: CastRecord[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of shown) {
    const record = builder.build(row.values, row);
    if (record !== undefined) records.push(record);
    else rejected.push(builder.lastRejection as RejectedRow);
  }

  const lastShown = shown.length > 0 ? shown[shown.length - 1] : (header as CollectedRow);
  const complete = readToEnd && dataRows.length <= maxRecords;
  const needMoreBytes = shown.length < maxRecords && !dataComplete && !capped;
  if (readToEnd && dataRows.length === 0) {
    warnings.push({
      code: ParsingWarningCode.NO_RECORDS,
      message: 'The file has a header but no data row: an import would create 0 records.',
    });
  }
  if (shown.length < maxRecords && !readToEnd) {
    warnings.push(...incompleteWarnings(reader, capped, dataComplete));
  }
  return {
    config,
    detection,
    fields,
    records,
    rejected,
    bytesUsed: lastShown.rowEnd,
    complete,
    needMoreBytes,
    warnings,
  };
}

function incompleteWarnings(reader: CsvRowReader, capped: boolean, dataComplete: boolean): ParsingWarning[] {
  const warnings: ParsingWarning[] = [];
  if (reader.insideQuotedField && reader.pendingRowBytes > SUSPICIOUS_OPEN_QUOTE_BYTES) {
    warnings.push({
      code: ParsingWarningCode.POSSIBLE_UNCLOSED_QUOTE,
      message: `A quoted field opened on line ${reader.nextRowLine} is still open ${reader.pendingRowBytes} bytes later: a quote may never be closed.`,
      details: { line: reader.nextRowLine, byteOffset: reader.nextRowOffset },
    });
  }
  if (capped || dataComplete) {
    warnings.push({
      code: ParsingWarningCode.PREVIEW_INCOMPLETE,
      message: 'The preview stopped before reaching the requested number of records: the rows are very long.',
      details: { byteOffset: reader.nextRowOffset },
    });
  }
  return warnings;
}

/**
 * The header's column count, without trailing empty cells that no data row fills: a header written
 * with a trailing delimiter must not make every data row ragged. The import trims them the same way.
 */
function headerWidth(header: string[], dataRows: CollectedRow[]): number {
  let width = header.length;
  while (
    width > 1 &&
    header[width - 1].trim() === '' &&
    dataRows.every((row) => (row.values[width - 1] ?? '') === '')
  ) {
    width--;
  }
  return width;
}

function emptyFile(): ParsingError {
  return new ParsingError(
    ParsingErrorCode.EMPTY_FILE,
    'The file is empty: it has no header and no data row.',
    {
      hint: 'Choose a file with data.',
      details: { byteOffset: 0 },
    },
  );
}

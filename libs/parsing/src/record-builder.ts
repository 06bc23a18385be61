import { CAST_FAILED, Caster, CastRecord, createCaster, FieldDefinition } from './cast';
import { isValidFieldName } from './field-names';
import { FIELD_TYPES } from './infer-types';
import { ParsingError, ParsingErrorCode, RejectReason } from './parsing.exception';
import { nodeEncodingOf, SourceConfig } from './source-config';

/** Raw lines kept with a rejected row are cut to this many bytes unless told otherwise. */
export const DEFAULT_RAW_LINE_MAX_BYTES = 2048;
const VALUE_EXCERPT_LENGTH = 200;

/** A row that was not imported, kept so the user can see and fix it. */
export interface RejectedRow {
  /** Line of the source file where the row starts (1-based). */
  line: number;
  /** Offset in the uncompressed source where the row starts. */
  byteOffset: number;
  reason: RejectReason;
  message: string;
  /** The row as it is in the file, without its line break, cut to a bound. */
  raw: string;
  /** For INVALID_VALUE and FIELD_TOO_LARGE: the technical name of the column. */
  field?: string;
  /** For INVALID_VALUE: the value that does not fit (cut to 200 characters). */
  value?: string;
}

/** What the builder needs to know about the row being built; CsvRowReader provides it. */
export interface RowContext {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly rowLine: number;
  readonly rowInvalidByteOffset: number;
  rawRow(maxBytes: number): string;
}

/** Throws INVALID_FIELDS unless the fields can key records safely: valid, unique names and known types. */
export function assertValidFields(
  fields: readonly FieldDefinition[],
  config: Pick<SourceConfig, 'maxColumns'>,
): void {
  if (fields.length === 0) {
    throw new ParsingError(ParsingErrorCode.INVALID_FIELDS, 'The dataset has no fields.', {
      hint: 'Preview the source again to rebuild its fields.',
    });
  }
  if (fields.length > config.maxColumns) {
    throw new ParsingError(
      ParsingErrorCode.TOO_MANY_COLUMNS,
      `The dataset has ${fields.length} fields, more than the maximum of ${config.maxColumns}.`,
      {
        details: { columns: fields.length, maxColumns: config.maxColumns },
      },
    );
  }
  const seen = new Set<string>();
  fields.forEach((field, index) => {
    if (!isValidFieldName(field.name) || seen.has(field.name)) {
      throw new ParsingError(
        ParsingErrorCode.INVALID_FIELDS,
        `Field ${index + 1} has an invalid or repeated name ${JSON.stringify(field.name)}: names are unique, lower-case ASCII letters, digits and '_', starting with a letter.`,
        { details: { column: index + 1, name: field.name } },
      );
    }
    if (!FIELD_TYPES.includes(field.type)) {
      throw new ParsingError(
        ParsingErrorCode.INVALID_FIELDS,
        `Field ${field.name} has an unknown type ${JSON.stringify(field.type)}.`,
        {
          details: { column: index + 1, name: field.name, type: field.type },
        },
      );
    }
    seen.add(field.name);
  });
}

/**
 * Turns parsed rows into records keyed by the fields' names, or into rejected rows. Casters and
 * names are resolved once; per row the work is one pass over the values.
 */
export class RecordBuilder {
  /** The rejection of the last `build` that returned undefined. */
  lastRejection: RejectedRow | undefined;

  private readonly names: string[];
  private readonly casters: Caster[];
  private readonly width: number;
  private readonly nodeEncoding: BufferEncoding;

  constructor(
    private readonly fields: readonly FieldDefinition[],
    private readonly config: SourceConfig,
    private readonly rawLineMaxBytes = DEFAULT_RAW_LINE_MAX_BYTES,
  ) {
    this.names = fields.map((field) => field.name);
    this.casters = fields.map((field) => createCaster(field, config.encoding));
    this.width = fields.length;
    this.nodeEncoding = nodeEncodingOf(config.encoding);
  }

  /** The record, or undefined when the row is rejected (see `lastRejection`). */
  build(values: string[], row: RowContext): CastRecord | undefined {
    const width = this.width;
    if (row.rowInvalidByteOffset !== -1) {
      return this.reject(
        row,
        ParsingErrorCode.INVALID_ENCODING,
        `Bytes at offset ${row.rowInvalidByteOffset} are not valid ${this.config.encoding}.`,
      );
    }
    const rowBytes = row.rowEnd - row.rowStart;
    if (rowBytes > this.config.maxRowBytes) {
      return this.reject(
        row,
        ParsingErrorCode.ROW_TOO_LARGE,
        `The row is ${rowBytes} bytes long, more than the maximum of ${this.config.maxRowBytes}.`,
      );
    }
    if (values.length !== width && (values.length < width || !onlyEmptyFrom(values, width))) {
      return this.reject(
        row,
        ParsingErrorCode.RAGGED_ROW,
        `The row has ${values.length} fields where ${width} are expected.`,
      );
    }
    if (rowBytes > this.config.maxFieldBytes) {
      for (let index = 0; index < width; index++) {
        const size = Buffer.byteLength(values[index], this.nodeEncoding);
        if (size > this.config.maxFieldBytes) {
          return this.reject(
            row,
            ParsingErrorCode.FIELD_TOO_LARGE,
            `Field ${this.names[index]} is ${size} bytes long, more than the maximum of ${this.config.maxFieldBytes}.`,
            index,
          );
        }
      }
    }
    const record: CastRecord = {};
    const casters = this.casters;
    const names = this.names;
    for (let index = 0; index < width; index++) {
      const value = casters[index](values[index]);
      if (value === CAST_FAILED) {
        return this.reject(
          row,
          ParsingErrorCode.INVALID_VALUE,
          `Field ${names[index]} expects ${article(this.fields[index].type)}.`,
          index,
          values[index],
        );
      }
      record[names[index]] = value;
    }
    return record;
  }

  private reject(
    row: RowContext,
    reason: RejectReason,
    message: string,
    column?: number,
    value?: string,
  ): undefined {
    const rejection: RejectedRow = {
      line: row.rowLine,
      byteOffset: row.rowStart,
      reason,
      message: `Line ${row.rowLine}: ${message}`,
      raw: row.rawRow(this.rawLineMaxBytes),
    };
    if (column !== undefined) rejection.field = this.names[column];
    if (value !== undefined)
      rejection.value = value.length > VALUE_EXCERPT_LENGTH ? value.slice(0, VALUE_EXCERPT_LENGTH) : value;
    this.lastRejection = rejection;
    return undefined;
  }
}

/** Spreadsheets often end rows with extra delimiters: trailing empty fields are not a ragged row. */
function onlyEmptyFrom(values: string[], start: number): boolean {
  for (let index = start; index < values.length; index++) {
    if (values[index] !== '') return false;
  }
  return true;
}

function article(type: string): string {
  switch (type) {
    case 'int':
      return 'an integer';
    case 'double':
      return 'a decimal number';
    case 'boolean':
      return 'a boolean (true/false, yes/no, 1/0)';
    case 'date':
      return 'a date (YYYY-MM-DD or DD/MM/YYYY)';
    case 'datetime':
      return 'a date-time (ISO 8601)';
    default:
      return `a ${type}`;
  }
}

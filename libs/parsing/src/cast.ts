import {
  DECIMAL_COMMA_PATTERN,
  DECIMAL_DOT_PATTERN,
  DecimalSeparator,
  FieldType,
  INT_PATTERN,
  isValidCalendarDate,
  parseDateParts,
  parseIsoDatetime,
  trimValue,
  utcMilliseconds,
} from './infer-types';
import { SourceEncoding } from './source-config';
import { repairWindows1252 } from './text-decoding';

/** A dataset field: the technical `name` records are keyed by, the header `label`, the type values are cast to. */
export interface FieldDefinition {
  name: string;
  label: string;
  type: FieldType;
  /** For `double` fields: `,` when the file writes decimals with a comma. Defaults to `.`. */
  decimalSeparator?: DecimalSeparator;
}

/**
 * A cast value as stored: text → string, int/double → number, boolean → boolean,
 * date → `YYYY-MM-DD` string (a calendar day has no time zone), datetime → Date; empty → null.
 */
export type CastValue = string | number | boolean | Date | null;

export type CastRecord = Record<string, CastValue>;

/** Returned by a caster for a value that does not fit the field's type; a symbol so no result object is allocated. */
export const CAST_FAILED: unique symbol = Symbol('CAST_FAILED');

export type Caster = (value: string) => CastValue | typeof CAST_FAILED;

const castText: Caster = (value) => (value === '' ? null : value);
const castWindows1252Text: Caster = (value) => (value === '' ? null : repairWindows1252(value));

/** Parses `-?(0|[1-9][0-9]*)` of at most 15 digits without a regex; NaN for anything else (the slow path decides). */
function parseShortInt(value: string): number {
  const length = value.length;
  const negative = value.charCodeAt(0) === 0x2d;
  let index = negative ? 1 : 0;
  if (length - index > 15 || length === index || (value.charCodeAt(index) === 0x30 && length - index > 1)) {
    return NaN;
  }
  let result = 0;
  for (; index < length; index++) {
    const digit = value.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    result = result * 10 + digit;
  }
  return negative ? -result : result;
}

const castInt: Caster = (raw) => {
  const value = trimValue(raw);
  if (value === '') return null;
  const short = parseShortInt(value);
  if (short === short) return short + 0;
  if (!INT_PATTERN.test(value)) return CAST_FAILED;
  const number = Number(value);
  // Beyond 2^53 the number would silently change: reject rather than store a different value.
  return Number.isSafeInteger(number) ? number + 0 : CAST_FAILED;
};

const castDoubleDot: Caster = (raw) => {
  const value = trimValue(raw);
  if (value === '') return null;
  if (!DECIMAL_DOT_PATTERN.test(value) && !INT_PATTERN.test(value)) return CAST_FAILED;
  const number = Number(value);
  return Number.isFinite(number) ? number + 0 : CAST_FAILED;
};

const castDoubleComma: Caster = (raw) => {
  const value = trimValue(raw);
  if (value === '') return null;
  if (!DECIMAL_COMMA_PATTERN.test(value) && !INT_PATTERN.test(value)) return CAST_FAILED;
  const number = Number(value.replace(',', '.'));
  return Number.isFinite(number) ? number + 0 : CAST_FAILED;
};

const castBoolean: Caster = (raw) => {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const value = trimValue(raw);
  if (value === '') return null;
  switch (value.toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return true;
    case 'false':
    case 'no':
    case '0':
      return false;
    default:
      return CAST_FAILED;
  }
};

const pad = (value: number, length: number): string => String(value).padStart(length, '0');

/** `YYYY-MM-DD` checked without a regex or allocation: the common case of a date column. */
function isIsoCalendarDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d) {
    return false;
  }
  let year = 0;
  for (let index = 0; index < 4; index++) {
    const digit = value.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return false;
    year = year * 10 + digit;
  }
  const month = (value.charCodeAt(5) - 0x30) * 10 + (value.charCodeAt(6) - 0x30);
  const day = (value.charCodeAt(8) - 0x30) * 10 + (value.charCodeAt(9) - 0x30);
  return (
    isDigit(value, 5) &&
    isDigit(value, 6) &&
    isDigit(value, 8) &&
    isDigit(value, 9) &&
    isValidCalendarDate(year, month, day)
  );
}

function isDigit(value: string, index: number): boolean {
  const code = value.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

const castDate: Caster = (raw) => {
  const value = trimValue(raw);
  if (value === '') return null;
  if (isIsoCalendarDate(value)) return value;
  const parts = parseDateParts(value);
  if (parts === undefined) return CAST_FAILED;
  return `${pad(parts[0], 4)}-${pad(parts[1], 2)}-${pad(parts[2], 2)}`;
};

const castDatetime: Caster = (raw) => {
  const value = trimValue(raw);
  if (value === '') return null;
  const milliseconds = parseIsoDatetime(value);
  if (milliseconds !== undefined) return new Date(milliseconds);
  const parts = parseDateParts(value);
  return parts === undefined ? CAST_FAILED : new Date(utcMilliseconds(parts[0], parts[1], parts[2]));
};

/**
 * The caster for one field, chosen once per column so the per-value work is a direct call.
 * `encoding` matters for text: Windows-1252 text is repaired from the parser's latin1 decoding.
 */
export function createCaster(
  field: Pick<FieldDefinition, 'type' | 'decimalSeparator'>,
  encoding: SourceEncoding = 'utf-8',
): Caster {
  switch (field.type) {
    case 'text':
      return encoding === 'windows-1252' ? castWindows1252Text : castText;
    case 'int':
      return castInt;
    case 'double':
      return field.decimalSeparator === ',' ? castDoubleComma : castDoubleDot;
    case 'boolean':
      return castBoolean;
    case 'date':
      return castDate;
    case 'datetime':
      return castDatetime;
  }
}

export type CastResult = { ok: true; value: CastValue } | { ok: false };

/** Casts one value outside of the import loop (validation, tests, UI helpers). */
export function castValue(
  value: string,
  field: Pick<FieldDefinition, 'type' | 'decimalSeparator'>,
): CastResult {
  const result = createCaster(field)(value);
  return result === CAST_FAILED ? { ok: false } : { ok: true, value: result };
}

/** The types a dataset field can have. */
export type FieldType = 'text' | 'int' | 'double' | 'boolean' | 'date' | 'datetime';
export const FIELD_TYPES: readonly FieldType[] = ['text', 'int', 'double', 'boolean', 'date', 'datetime'];

export type DecimalSeparator = '.' | ',';

/** What one value looks like; `double_comma` is a decimal written with a comma (`3,14`). */
export type ValueKind =
  'empty' | 'int' | 'double' | 'double_comma' | 'boolean' | 'date' | 'datetime' | 'text';

// A value only counts as a number when nothing would be lost by storing it as one (casting uses the
// same patterns, so a later `01000` in an int column is rejected, not silently turned into 1000).
// No leading zeros (`00123` is a postal code, not 123), no `+` (phone numbers), no `.5`.
export const INT_PATTERN = /^-?(?:0|[1-9]\d*)$/;
export const DECIMAL_DOT_PATTERN = /^-?(?:0|[1-9]\d*)(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)$/;
export const DECIMAL_COMMA_PATTERN = /^-?(?:0|[1-9]\d*),\d+$/;
const BOOLEAN_WORDS = /^(?:true|false|yes|no)$/i;

export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DAY_FIRST_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
export const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Year, month, day of `YYYY-MM-DD` or `DD/MM/YYYY` (day first, as in Europe), undefined otherwise. */
export function parseDateParts(value: string): [number, number, number] | undefined {
  let match = ISO_DATE.exec(value);
  if (match !== null) {
    const parts: [number, number, number] = [+match[1], +match[2], +match[3]];
    return isValidCalendarDate(...parts) ? parts : undefined;
  }
  match = DAY_FIRST_DATE.exec(value);
  if (match !== null) {
    const parts: [number, number, number] = [+match[3], +match[2], +match[1]];
    return isValidCalendarDate(...parts) ? parts : undefined;
  }
  return undefined;
}

/** The value of `length` ASCII digits at `start`, or -1 when one of them is not a digit. */
function digitsAt(value: string, start: number, length: number): number {
  let result = 0;
  for (let index = start; index < start + length; index++) {
    const digit = value.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/**
 * `YYYY-MM-DD[T ]HH:MM[:SS][Z]` without a regex or allocation: the shapes most date-time columns use.
 * Undefined means "not this shape" (the regex then decides), NaN an invalid date or time.
 */
function parseCommonIsoDatetime(value: string): number | undefined {
  const length = value.length;
  const zulu = length === 20 && (value.charCodeAt(19) === 0x5a || value.charCodeAt(19) === 0x7a);
  if (length !== 16 && length !== 19 && !zulu) return undefined;
  const separator = value.charCodeAt(10);
  if (
    value.charCodeAt(4) !== 0x2d ||
    value.charCodeAt(7) !== 0x2d ||
    (separator !== 0x54 && separator !== 0x74 && separator !== 0x20) ||
    value.charCodeAt(13) !== 0x3a ||
    (length > 16 && value.charCodeAt(16) !== 0x3a)
  ) {
    return undefined;
  }
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = length > 16 ? digitsAt(value, 17, 2) : 0;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return NaN;
  return utcMilliseconds(year, month, day, hour, minute, second);
}

/** Milliseconds since the epoch of an ISO 8601 date-time (UTC when it has no zone), undefined when invalid. */
export function parseIsoDatetime(value: string): number | undefined {
  const common = parseCommonIsoDatetime(value);
  if (common !== undefined) {
    return common === common ? common : undefined;
  }
  const match = ISO_DATETIME.exec(value);
  if (match === null) {
    return undefined;
  }
  const year = +match[1];
  const month = +match[2];
  const day = +match[3];
  const hour = +match[4];
  const minute = +match[5];
  const second = match[6] === undefined ? 0 : +match[6];
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const milliseconds = match[7] === undefined ? 0 : Math.floor(+`0.${match[7]}` * 1000);
  let offsetMinutes = 0;
  const zone = match[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = +digits.slice(0, 2);
    const zoneMinutes = digits.length > 2 ? +digits.slice(2) : 0;
    if (zoneHours > 23 || zoneMinutes > 59) {
      return undefined;
    }
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return utcMilliseconds(year, month, day, hour, minute, second, milliseconds) - offsetMinutes * 60_000;
}

/**
 * Milliseconds since the epoch in the proleptic Gregorian calendar, computed rather than through a
 * Date (Date.UTC maps years 0–99 onto 1900–1999, and an object per value costs in the import loop).
 * Days from civil: H. Hinnant's algorithm, exact for every year.
 */
export function utcMilliseconds(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  milliseconds = 0,
): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milliseconds;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0xa0;
}

/** The value without surrounding spaces/tabs; cheap when there are none (the usual case). */
export function trimValue(value: string): string {
  return value.length > 0 &&
    (isWhitespace(value.charCodeAt(0)) || isWhitespace(value.charCodeAt(value.length - 1)))
    ? value.trim()
    : value;
}

/**
 * Classifies one raw value. `allowDecimalComma` is true when the delimiter is not a comma: then
 * `3,14` is a decimal (French, German… files use `;` as delimiter precisely for this reason).
 */
export function classifyValue(raw: string, allowDecimalComma: boolean): ValueKind {
  const value = trimValue(raw);
  if (value === '') {
    return 'empty';
  }
  const first = value.charCodeAt(0);
  if ((first >= 0x30 && first <= 0x39) || first === 0x2d) {
    if (INT_PATTERN.test(value)) {
      // Digits beyond 2^53 lose precision as numbers: identifiers like these stay text.
      return Number.isSafeInteger(Number(value)) ? 'int' : 'text';
    }
    if (DECIMAL_DOT_PATTERN.test(value)) {
      return Number.isFinite(Number(value)) ? 'double' : 'text';
    }
    if (allowDecimalComma && DECIMAL_COMMA_PATTERN.test(value)) {
      return 'double_comma';
    }
    if (parseDateParts(value) !== undefined) {
      return 'date';
    }
    if (parseIsoDatetime(value) !== undefined) {
      return 'datetime';
    }
    return 'text';
  }
  return BOOLEAN_WORDS.test(value) ? 'boolean' : 'text';
}

export interface InferredType {
  type: FieldType;
  /** Only for `double`: the decimal separator the values use. */
  decimalSeparator?: DecimalSeparator;
}

/** Accumulates the kinds of a column's values; cheap enough to feed every sampled value. */
export class ColumnTypeAccumulator {
  private readonly kinds = new Set<ValueKind>();

  constructor(private readonly allowDecimalComma: boolean) {}

  add(value: string): void {
    this.kinds.add(classifyValue(value, this.allowDecimalComma));
  }

  /**
   * Rules: only empty values → text; ints → int; ints and decimals → double (a column mixing `.`
   * and `,` decimals → text); booleans (true/false/yes/no, not 0/1: those are ints) → boolean;
   * dates → date; dates and date-times → datetime; anything else → text.
   */
  result(): InferredType {
    const kinds = new Set(this.kinds);
    kinds.delete('empty');
    const only = (...allowed: ValueKind[]): boolean =>
      kinds.size > 0 && [...kinds].every((kind) => allowed.includes(kind));
    if (only('int')) return { type: 'int' };
    if (only('int', 'double')) return { type: 'double', decimalSeparator: '.' };
    if (only('int', 'double_comma')) return { type: 'double', decimalSeparator: ',' };
    if (only('boolean')) return { type: 'boolean' };
    if (only('date')) return { type: 'date' };
    if (only('date', 'datetime')) return { type: 'datetime' };
    return { type: 'text' };
  }
}

/** The type of a column from sample values; see {@link ColumnTypeAccumulator.result} for the rules. */
export function inferFieldType(values: Iterable<string>, allowDecimalComma = false): InferredType {
  const accumulator = new ColumnTypeAccumulator(allowDecimalComma);
  for (const value of values) {
    accumulator.add(value);
  }
  return accumulator.result();
}

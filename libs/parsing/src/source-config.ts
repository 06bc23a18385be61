import { ParsingError, ParsingErrorCode } from './parsing.exception';

export type SourceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-1';
export const SOURCE_ENCODINGS: readonly SourceEncoding[] = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1252',
  'iso-8859-1',
];

export type SourceCompression = 'none' | 'gzip';
export const SOURCE_COMPRESSIONS: readonly SourceCompression[] = ['none', 'gzip'];

/** The delimiters detection chooses from; an override may name any other short string. */
export const DETECTABLE_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/**
 * How to read a source file. Stored with the dataset: the import reads with exactly this, and a
 * resumed import rebuilds its parser from it (the header is not re-read after a resume).
 */
export interface SourceConfig {
  encoding: SourceEncoding;
  compression: SourceCompression;
  /** Field separator, 1 to 4 characters. */
  delimiter: string;
  /** Quote character, or null when fields are never quoted. */
  quoteChar: string | null;
  /** `"` when quotes are escaped by doubling them (RFC 4180), `\` for backslash escapes. */
  escapeChar: string;
  headerRow: boolean;
  /** Physical lines skipped before the header (or the first record): titles, comments, blank lines. */
  skipRows: number;
  maxFieldBytes: number;
  maxRowBytes: number;
  maxColumns: number;
  maxDecompressedBytes: number;
  /** Decompressed bytes per compressed byte, checked once 8 MiB have been decompressed. */
  maxCompressionRatio: number;
}

/** Options a user (or the stored dataset) imposes; each one wins over detection. */
export type SourceConfigOverrides = Partial<Omit<SourceConfig, 'encoding'>> & {
  encoding?: SourceEncoding | string;
};

export const DEFAULT_SOURCE_LIMITS = {
  maxFieldBytes: 1024 * 1024,
  maxRowBytes: 4 * 1024 * 1024,
  maxColumns: 1000,
  maxDecompressedBytes: 8 * 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
} as const;

export const DEFAULT_SOURCE_CONFIG: Readonly<SourceConfig> = {
  encoding: 'utf-8',
  compression: 'none',
  delimiter: ',',
  quoteChar: '"',
  escapeChar: '"',
  headerRow: true,
  skipRows: 0,
  ...DEFAULT_SOURCE_LIMITS,
};

/**
 * Rows up to max_row_bytes × this factor are parsed and then rejected one by one (ROW_TOO_LARGE);
 * beyond it the parser stops, so memory stays bounded even when a quote is never closed.
 */
export const ROW_HARD_LIMIT_FACTOR = 4;

export function rowHardLimitBytes(config: Pick<SourceConfig, 'maxRowBytes'>): number {
  return config.maxRowBytes * ROW_HARD_LIMIT_FACTOR;
}

/** Spellings people use, with case, `-`, `_` and spaces removed. */
const ENCODING_ALIASES: Readonly<Record<string, SourceEncoding>> = {
  utf8: 'utf-8',
  utf8bom: 'utf-8',
  utf8sig: 'utf-8',
  utf16: 'utf-16le',
  utf16le: 'utf-16le',
  ucs2: 'utf-16le',
  utf16be: 'utf-16be',
  windows1252: 'windows-1252',
  cp1252: 'windows-1252',
  win1252: 'windows-1252',
  iso88591: 'iso-8859-1',
  latin1: 'iso-8859-1',
};

/** Accepts the usual spellings (`UTF8`, `latin1`, `cp1252`, `utf_16_be`, ...); undefined when not supported. */
export function normalizeEncoding(name: string): SourceEncoding | undefined {
  return ENCODING_ALIASES[name.toLowerCase().replace(/[-_\s]/g, '')];
}

/** How Node's Buffer decodes the bytes csv-parse hands over (UTF-16 BE is byte-swapped to LE first). */
export function nodeEncodingOf(encoding: SourceEncoding): 'utf8' | 'utf16le' | 'latin1' {
  switch (encoding) {
    case 'utf-8':
      return 'utf8';
    case 'utf-16le':
    case 'utf-16be':
      return 'utf16le';
    case 'windows-1252':
    case 'iso-8859-1':
      return 'latin1';
  }
}

/** What detection decided for one option, and how sure it is (1 when the option was imposed). */
export interface DetectedOption<T> {
  value: T;
  /** false when the value came from an override rather than from the bytes. */
  detected: boolean;
  /** 0..1 */
  confidence: number;
  reason: string;
}

export interface EncodingDetectedOption extends DetectedOption<SourceEncoding> {
  /** A byte order mark was found (and is skipped when parsing). */
  bom: boolean;
}

export interface SourceConfigDetection {
  encoding: EncodingDetectedOption;
  compression: DetectedOption<SourceCompression>;
  delimiter: DetectedOption<string>;
  quoteChar: DetectedOption<string | null>;
  escapeChar: DetectedOption<string>;
  headerRow: DetectedOption<boolean>;
  skipRows: DetectedOption<number>;
}

export function imposedOption<T>(value: T): DetectedOption<T> {
  return { value, detected: false, confidence: 1, reason: 'override' };
}

function invalidConfig(option: string, message: string, value: unknown): ParsingError {
  const userName = option.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return new ParsingError(
    ParsingErrorCode.INVALID_CONFIG,
    `Invalid source configuration: ${userName} ${message}.`,
    {
      details: { option, value },
    },
  );
}

function checkPositiveInteger(option: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidConfig(option, `must be an integer between 1 and ${max}`, value);
  }
  return value;
}

function checkCharacter(option: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > maxLength || /[\r\n]/.test(value)) {
    throw invalidConfig(option, `must be 1 to ${maxLength} character(s), not a line break`, value);
  }
  return value;
}

/**
 * Completes a partial configuration with defaults and checks every option, so that a config that
 * passes here never makes csv-parse throw an option error.
 */
export function resolveSourceConfig(partial: SourceConfigOverrides = {}): SourceConfig {
  const merged = { ...DEFAULT_SOURCE_CONFIG, ...withoutUndefined(partial) };
  const encoding = typeof merged.encoding === 'string' ? normalizeEncoding(merged.encoding) : undefined;
  if (encoding === undefined) {
    throw invalidConfig('encoding', `must be one of ${SOURCE_ENCODINGS.join(', ')}`, merged.encoding);
  }
  if (!SOURCE_COMPRESSIONS.includes(merged.compression)) {
    throw invalidConfig(
      'compression',
      `must be one of ${SOURCE_COMPRESSIONS.join(', ')}`,
      merged.compression,
    );
  }
  const delimiter = checkCharacter('delimiter', merged.delimiter, 4);
  const quoteChar = merged.quoteChar === null ? null : checkCharacter('quoteChar', merged.quoteChar, 1);
  const escapeChar = checkCharacter('escapeChar', merged.escapeChar, 1);
  if (quoteChar !== null && delimiter.includes(quoteChar)) {
    throw invalidConfig('quoteChar', 'must differ from the delimiter', quoteChar);
  }
  if (typeof merged.headerRow !== 'boolean') {
    throw invalidConfig('headerRow', 'must be a boolean', merged.headerRow);
  }
  if (
    typeof merged.skipRows !== 'number' ||
    !Number.isInteger(merged.skipRows) ||
    merged.skipRows < 0 ||
    merged.skipRows > 10_000
  ) {
    throw invalidConfig('skipRows', 'must be an integer between 0 and 10000', merged.skipRows);
  }
  const maxFieldBytes = checkPositiveInteger('maxFieldBytes', merged.maxFieldBytes);
  const maxRowBytes = checkPositiveInteger('maxRowBytes', merged.maxRowBytes, 256 * 1024 * 1024);
  return {
    encoding,
    compression: merged.compression,
    delimiter,
    quoteChar,
    escapeChar,
    headerRow: merged.headerRow,
    skipRows: merged.skipRows,
    maxFieldBytes,
    maxRowBytes,
    maxColumns: checkPositiveInteger('maxColumns', merged.maxColumns, 100_000),
    maxDecompressedBytes: checkPositiveInteger('maxDecompressedBytes', merged.maxDecompressedBytes),
    maxCompressionRatio: checkPositiveInteger('maxCompressionRatio', merged.maxCompressionRatio),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) {
      result[key] = value[key];
    }
  }
  return result;
}

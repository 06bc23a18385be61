import { ParsingError, ParsingErrorCode } from './parsing.exception';
import { DetectedOption, SourceCompression } from './source-config';

interface Signature {
  format: string;
  bytes: readonly number[];
  offset?: number;
  advice: string;
}

const ascii = (text: string): number[] => Array.from(text, (character) => character.charCodeAt(0));

const GZIP_MAGIC = [0x1f, 0x8b];

/** File formats that are certainly not CSV; the advice tells the user what to upload instead. */
const BINARY_SIGNATURES: readonly Signature[] = [
  {
    format: 'zip',
    bytes: [0x50, 0x4b, 0x03, 0x04],
    advice: 'Extract the CSV file from the zip archive (an .xlsx workbook is a zip too: export it as CSV).',
  },
  { format: 'zip', bytes: [0x50, 0x4b, 0x05, 0x06], advice: 'The zip archive is empty.' },
  {
    format: 'png',
    bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    advice: 'Choose a CSV file, not an image.',
  },
  { format: 'jpeg', bytes: [0xff, 0xd8, 0xff], advice: 'Choose a CSV file, not an image.' },
  { format: 'gif', bytes: ascii('GIF8'), advice: 'Choose a CSV file, not an image.' },
  { format: 'pdf', bytes: ascii('%PDF-'), advice: 'Choose a CSV file, not a PDF document.' },
  {
    format: 'ole2 (xls/doc)',
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    advice: 'Export the spreadsheet as CSV.',
  },
  {
    format: 'bzip2',
    bytes: ascii('BZh'),
    advice: 'Only gzip compression is supported: recompress the file with gzip or upload it uncompressed.',
  },
  {
    format: 'xz',
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    advice: 'Only gzip compression is supported: recompress the file with gzip or upload it uncompressed.',
  },
  {
    format: 'zstd',
    bytes: [0x28, 0xb5, 0x2f, 0xfd],
    advice: 'Only gzip compression is supported: recompress the file with gzip or upload it uncompressed.',
  },
  {
    format: '7z',
    bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
    advice: 'Extract the CSV file from the 7z archive.',
  },
  { format: 'rar', bytes: ascii('Rar!\x1a\x07'), advice: 'Extract the CSV file from the rar archive.' },
  {
    format: 'parquet',
    bytes: ascii('PAR1'),
    advice: 'Parquet files are not supported: export the data as CSV.',
  },
  { format: 'sqlite', bytes: ascii('SQLite format 3\0'), advice: 'Export the database table as CSV.' },
  { format: 'elf executable', bytes: [0x7f, 0x45, 0x4c, 0x46], advice: 'Choose a CSV file.' },
];

function startsWith(buffer: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (buffer.length < offset + bytes.length) {
    return false;
  }
  for (let index = 0; index < bytes.length; index++) {
    if (buffer[offset + index] !== bytes[index]) {
      return false;
    }
  }
  return true;
}

export function isGzip(prefix: Uint8Array): boolean {
  return startsWith(prefix, GZIP_MAGIC);
}

/** Throws NOT_TEXT when the bytes open with the signature of a known non-CSV format. */
export function assertNoBinarySignature(prefix: Uint8Array): void {
  for (const signature of BINARY_SIGNATURES) {
    if (startsWith(prefix, signature.bytes, signature.offset)) {
      throw new ParsingError(
        ParsingErrorCode.NOT_TEXT,
        `The file is not a CSV text file: it starts like a ${signature.format} file.`,
        {
          hint: signature.advice,
          details: { format: signature.format, byteOffset: 0 },
        },
      );
    }
  }
}

/** gzip by its magic bytes; other binary formats are refused with NOT_TEXT. */
export function detectCompression(prefix: Uint8Array): DetectedOption<SourceCompression> {
  if (isGzip(prefix)) {
    return { value: 'gzip', detected: true, confidence: 1, reason: 'gzip magic bytes 1f 8b' };
  }
  assertNoBinarySignature(prefix);
  return { value: 'none', detected: true, confidence: 1, reason: 'no compression signature' };
}

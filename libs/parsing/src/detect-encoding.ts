import { isUtf8 } from 'node:buffer';
import { ParsingError, ParsingErrorCode } from './parsing.exception';
import { EncodingDetectedOption, SourceEncoding } from './source-config';

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

/** Bytes sampled to recognise UTF-16 without a BOM and to look for binary content. */
const SNIFF_BYTES = 64 * 1024;

function hasPrefix(buffer: Uint8Array, bytes: readonly number[]): boolean {
  return buffer.length >= bytes.length && bytes.every((byte, index) => buffer[index] === byte);
}

/** Length of the byte order mark that opens `buffer` for `encoding`, 0 when there is none. */
export function bomLength(buffer: Uint8Array, encoding: SourceEncoding): number {
  switch (encoding) {
    case 'utf-8':
      return hasPrefix(buffer, UTF8_BOM) ? 3 : 0;
    case 'utf-16le':
      return hasPrefix(buffer, UTF16LE_BOM) ? 2 : 0;
    case 'utf-16be':
      return hasPrefix(buffer, UTF16BE_BOM) ? 2 : 0;
    case 'windows-1252':
    case 'iso-8859-1':
      return 0;
  }
}

/**
 * Length of an incomplete UTF-8 sequence at the end of `buffer` (0 to 3): bytes that need the next
 * chunk to be judged. A malformed tail returns 0 so that validation reports it.
 */
export function incompleteUtf8TailLength(buffer: Uint8Array, end = buffer.length): number {
  const lowest = Math.max(0, end - 3);
  for (let index = end - 1; index >= lowest; index--) {
    const byte = buffer[index];
    if ((byte & 0xc0) === 0x80) {
      continue;
    }
    if (byte < 0xc0) {
      return 0;
    }
    const sequenceLength = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    const available = end - index;
    return sequenceLength > available ? available : 0;
  }
  return 0;
}

/**
 * Length of the well-formed UTF-8 sequence starting at `index` (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when the bytes there are not valid UTF-8.
 */
function utf8SequenceLength(buffer: Uint8Array, index: number, end: number): number {
  const first = buffer[index];
  if (first < 0x80) {
    return 1;
  }
  let length: number;
  let min = 0x80;
  let max = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) {
    length = 2;
  } else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    if (first === 0xe0) min = 0xa0;
    if (first === 0xed) max = 0x9f;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    if (first === 0xf0) min = 0x90;
    if (first === 0xf4) max = 0x8f;
  } else {
    return 0;
  }
  if (index + length > end) {
    return 0;
  }
  const second = buffer[index + 1];
  if (second < min || second > max) {
    return 0;
  }
  for (let offset = 2; offset < length; offset++) {
    if ((buffer[index + offset] & 0xc0) !== 0x80) {
      return 0;
    }
  }
  return length;
}

/** Offsets (relative to `buffer`) of each invalid byte run in `[start, end)`; the slow path, used once a fast check failed. */
export function findInvalidUtf8(buffer: Uint8Array, start = 0, end = buffer.length): number[] {
  const offsets: number[] = [];
  let index = start;
  let inInvalidRun = false;
  while (index < end) {
    const length = utf8SequenceLength(buffer, index, end);
    if (length === 0) {
      if (!inInvalidRun) {
        offsets.push(index);
        inInvalidRun = true;
      }
      index++;
    } else {
      inInvalidRun = false;
      index += length;
    }
  }
  return offsets;
}

/**
 * Validates UTF-8 chunk by chunk (native `isUtf8`, so the cost is a fraction of parsing) and
 * reports the source byte offset of every invalid run; sequences split across chunks are carried.
 */
export class Utf8Validator {
  private carry: Buffer | undefined;
  private carryOffset = 0;

  /** @param chunkOffset source offset of `chunk[0]`; invalid offsets are pushed onto `invalidOffsets`. */
  check(chunk: Buffer, chunkOffset: number, invalidOffsets: number[]): void {
    let start = 0;
    if (this.carry !== undefined) {
      const lead = this.carry[0];
      const needed = (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2) - this.carry.length;
      if (chunk.length < needed) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, needed)]);
      if (utf8SequenceLength(joined, 0, joined.length) === joined.length) {
        start = needed;
      } else {
        // The chunk's first bytes are judged again on their own below.
        invalidOffsets.push(this.carryOffset);
      }
      this.carry = undefined;
    }
    const end = chunk.length - incompleteUtf8TailLength(chunk);
    if (end > start && !isUtf8(chunk.subarray(start, end))) {
      for (const offset of findInvalidUtf8(chunk, start, end)) {
        invalidOffsets.push(chunkOffset + offset);
      }
    }
    if (end < chunk.length) {
      this.carry = Buffer.from(chunk.subarray(Math.max(end, start)));
      this.carryOffset = chunkOffset + Math.max(end, start);
    }
  }

  /** An incomplete sequence left at the end of the stream is invalid. */
  finish(invalidOffsets: number[]): void {
    if (this.carry !== undefined) {
      invalidOffsets.push(this.carryOffset);
      this.carry = undefined;
    }
  }
}

function looksLikeUtf16(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(sample.length, SNIFF_BYTES) & ~1;
  if (length < 4) {
    return undefined;
  }
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < length; index += 2) {
    if (sample[index] === 0) evenZeros++;
    if (sample[index + 1] === 0) oddZeros++;
  }
  const units = length / 2;
  // Latin-script text in UTF-16 has a zero high byte in most code units and almost never a zero low byte.
  if (oddZeros / units > 0.3 && evenZeros / units < 0.05) {
    return 'utf-16le';
  }
  if (evenZeros / units > 0.3 && oddZeros / units < 0.05) {
    return 'utf-16be';
  }
  return undefined;
}

/** cp1252 bytes that are common in real Western text: letters, and the typographic punctuation in 0x80–0x9F. */
function isLikelyWindows1252Text(byte: number): boolean {
  return (
    byte >= 0xc0 ||
    byte === 0xa0 ||
    byte === 0xab ||
    byte === 0xbb ||
    byte === 0xb0 ||
    byte === 0x80 ||
    (byte >= 0x91 && byte <= 0x97) ||
    byte === 0x9c ||
    byte === 0x8c
  );
}

/**
 * Detects the encoding of the beginning of a (decompressed) file.
 *
 * Rules, in order: a BOM decides (UTF-8, UTF-16 LE/BE, confidence 1); a pattern of zero bytes in
 * every other position means UTF-16 without BOM (0.8); bytes that are valid UTF-8 and contain
 * multi-byte sequences mean UTF-8 (0.99), pure ASCII means UTF-8 too (0.9: the rest of the file
 * may still hold surprises); anything else is Windows-1252 — the superset of ISO-8859-1 that
 * legacy Western files really use; they only differ on 0x80–0x9F, where ISO-8859-1 has invisible
 * control characters — with 0.9 when the high bytes look like accented letters, else 0.6.
 *
 * @param truncated the sample stops before the end of the file, so its last UTF-8 sequence may be cut.
 */
export function detectEncoding(sample: Uint8Array, truncated: boolean): EncodingDetectedOption {
  if (hasPrefix(sample, UTF8_BOM)) {
    return { value: 'utf-8', bom: true, detected: true, confidence: 1, reason: 'UTF-8 byte order mark' };
  }
  if (hasPrefix(sample, UTF16LE_BOM)) {
    return {
      value: 'utf-16le',
      bom: true,
      detected: true,
      confidence: 1,
      reason: 'UTF-16 LE byte order mark',
    };
  }
  if (hasPrefix(sample, UTF16BE_BOM)) {
    return {
      value: 'utf-16be',
      bom: true,
      detected: true,
      confidence: 1,
      reason: 'UTF-16 BE byte order mark',
    };
  }
  const utf16 = looksLikeUtf16(sample);
  if (utf16 !== undefined) {
    return {
      value: utf16,
      bom: false,
      detected: true,
      confidence: 0.8,
      reason: 'zero bytes in every other position',
    };
  }
  const end = truncated ? sample.length - incompleteUtf8TailLength(sample) : sample.length;
  const judged = sample.subarray(0, end);
  if (isUtf8(judged)) {
    const ascii = judged.every((byte) => byte < 0x80);
    return ascii
      ? { value: 'utf-8', bom: false, detected: true, confidence: 0.9, reason: 'ASCII only' }
      : {
          value: 'utf-8',
          bom: false,
          detected: true,
          confidence: 0.99,
          reason: 'valid UTF-8 with multi-byte characters',
        };
  }
  let highBytes = 0;
  let textLikeHighBytes = 0;
  for (const byte of judged) {
    if (byte >= 0x80) {
      highBytes++;
      if (isLikelyWindows1252Text(byte)) textLikeHighBytes++;
    }
  }
  const confidence = textLikeHighBytes >= highBytes * 0.8 ? 0.9 : 0.6;
  return {
    value: 'windows-1252',
    bom: false,
    detected: true,
    confidence,
    reason: 'not valid UTF-8: single-byte Western encoding',
  };
}

/**
 * Refuses content that is not text: NUL characters or a high share of control characters in the
 * sample. Works on decoded text so that UTF-16's zero bytes are not mistaken for binary.
 * @param byteOffsetOf maps a character index of `text` to a byte offset for the error details.
 */
export function assertLooksLikeText(text: string, byteOffsetOf: (characterIndex: number) => number): void {
  const length = Math.min(text.length, SNIFF_BYTES);
  let controls = 0;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) {
      throw new ParsingError(
        ParsingErrorCode.NOT_TEXT,
        `The file is not a text file: it contains a NUL byte at byte ${byteOffsetOf(index)}.`,
        {
          hint: 'Choose a CSV file. If it is one, check its encoding (a UTF-16 file needs encoding utf-16le or utf-16be).',
          details: { byteOffset: byteOffsetOf(index) },
        },
      );
    }
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) {
      controls++;
    }
  }
  if (length > 0 && controls / length > 0.05) {
    throw new ParsingError(
      ParsingErrorCode.NOT_TEXT,
      'The file is not a text file: it is full of control characters.',
      {
        hint: 'Choose a CSV file.',
        details: { controlCharacters: controls, sampledCharacters: length },
      },
    );
  }
}

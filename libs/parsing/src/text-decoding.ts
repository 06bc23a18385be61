import * as iconv from 'iconv-lite';
import { SourceEncoding } from './source-config';

/** Decodes bytes of the source (no BOM handling: callers skip it). */
export function decodeBytes(bytes: Uint8Array, encoding: SourceEncoding): string {
  return iconv.decode(bytes, encoding, { stripBOM: false });
}

/** Encodes text into the source encoding; for tests and fixtures. */
export function encodeText(text: string, encoding: SourceEncoding, withBom = false): Buffer {
  return iconv.encode(text, encoding, { addBOM: withBom });
}

const C1_CHARACTERS = /[\u0080-\u009f]/;
const C1_CHARACTERS_GLOBAL = /[\u0080-\u009f]/g;

/** What Windows-1252 puts where ISO-8859-1 has C1 controls (undefined bytes become U+FFFD, as iconv-lite does). */
const WINDOWS_1252_C1 = decodeBytes(
  Uint8Array.from({ length: 32 }, (_, index) => 0x80 + index),
  'windows-1252',
);

function windows1252Character(control: string): string {
  return WINDOWS_1252_C1[control.charCodeAt(0) - 0x80];
}

/**
 * The parser decodes single-byte files as latin1 so byte offsets stay exact; this turns the few
 * characters where Windows-1252 differs (€, ’, œ, …) into what the file meant. Strings without
 * such characters are returned untouched after one regex test.
 */
export function repairWindows1252(text: string): string {
  return C1_CHARACTERS.test(text) ? text.replace(C1_CHARACTERS_GLOBAL, windows1252Character) : text;
}

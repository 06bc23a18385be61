import {
  assertLooksLikeText,
  bomLength,
  detectEncoding,
  findInvalidUtf8,
  incompleteUtf8TailLength,
  Utf8Validator,
} from './detect-encoding';
import { ParsingErrorCode } from './parsing.exception';
import { SourceEncoding } from './source-config';
import { encodeText } from './text-decoding';

const FRENCH = 'Commune;Code postal\nÉvry;91000\nBesançon;25000\nSaint-Étienne;42000\n';

describe('detectEncoding', () => {
  it.each<[string, Buffer, SourceEncoding, boolean, number]>([
    ['UTF-8 with BOM', encodeText(FRENCH, 'utf-8', true), 'utf-8', true, 1],
    ['UTF-16 LE with BOM', encodeText(FRENCH, 'utf-16le', true), 'utf-16le', true, 1],
    ['UTF-16 BE with BOM', encodeText(FRENCH, 'utf-16be', true), 'utf-16be', true, 1],
    ['UTF-16 LE without BOM', encodeText(FRENCH, 'utf-16le'), 'utf-16le', false, 0.8],
    ['UTF-16 BE without BOM', encodeText(FRENCH, 'utf-16be'), 'utf-16be', false, 0.8],
    ['UTF-8 with accents', encodeText(FRENCH, 'utf-8'), 'utf-8', false, 0.99],
    ['ASCII', Buffer.from('a,b\n1,2\n'), 'utf-8', false, 0.9],
    ['Windows-1252 with accents', encodeText(FRENCH, 'windows-1252'), 'windows-1252', false, 0.9],
    [
      'Windows-1252 with euro and curly quote',
      encodeText('prix;note\n5€;l’été\n', 'windows-1252'),
      'windows-1252',
      false,
      0.9,
    ],
  ])('should detect %s', (_name, bytes, encoding, bom, confidence) => {
    const detected = detectEncoding(bytes, false);

    expect([detected.value, detected.bom, detected.confidence]).toEqual([encoding, bom, confidence]);
  });

  it('should still say UTF-8 when a truncated prefix ends inside a multi-byte character', () => {
    const bytes = encodeText('a,b\nÉvry,é', 'utf-8');

    const detected = detectEncoding(bytes.subarray(0, bytes.length - 1), true);

    expect(detected.value).toBe('utf-8');
  });

  it('should say Windows-1252 when a complete file ends inside a multi-byte character', () => {
    const bytes = encodeText('a,b\nÉvry,é', 'utf-8');

    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), false).value).toBe('windows-1252');
  });
});

describe('bomLength', () => {
  it.each<[number[], SourceEncoding, number]>([
    [[0xef, 0xbb, 0xbf, 0x61], 'utf-8', 3],
    [[0xff, 0xfe, 0x61, 0x00], 'utf-16le', 2],
    [[0xfe, 0xff, 0x00, 0x61], 'utf-16be', 2],
    [[0xff, 0xfe, 0x61, 0x00], 'utf-8', 0],
    [[0xef, 0xbb, 0xbf], 'windows-1252', 0],
  ])('should measure the BOM of %j read as %s', (bytes, encoding, length) => {
    expect(bomLength(Buffer.from(bytes), encoding)).toBe(length);
  });
});

describe('UTF-8 validation', () => {
  it.each<[string, number[], number[]]>([
    ['a valid text', [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], []],
    ['a lone continuation byte', [0x61, 0x80, 0x62], [1]],
    ['an overlong encoding', [0xc0, 0xaf], [0]],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], [1]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], [0]],
    ['a latin1 é between ASCII', [0x61, 0xe9, 0x62, 0xe9], [1, 3]],
  ])('should find the invalid offsets of %s', (_name, bytes, offsets) => {
    expect(findInvalidUtf8(Buffer.from(bytes))).toEqual(offsets);
  });

  it.each<[number[], number]>([
    [[0x61, 0xc3], 1],
    [[0x61, 0xe2, 0x82], 2],
    [[0xf0, 0x9f, 0x98], 3],
    [[0x61, 0xc3, 0xa9], 0],
    [[0x61], 0],
  ])('should measure the incomplete tail of %j', (bytes, length) => {
    expect(incompleteUtf8TailLength(Buffer.from(bytes))).toBe(length);
  });

  it('should report the same invalid offsets whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([
      encodeText('aé€😀', 'utf-8'),
      Buffer.from([0xe9, 0x61, 0xe2, 0x82]),
      encodeText('b', 'utf-8'),
    ]);
    const expected = findInvalidUtf8(bytes);

    const results = [1, 2, 3, 5].map((chunkSize) => {
      const validator = new Utf8Validator();
      const offsets: number[] = [];
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        validator.check(bytes.subarray(offset, offset + chunkSize), offset, offsets);
      }
      validator.finish(offsets);
      return offsets;
    });

    expect(expected).toEqual([10, 12]);
    for (const offsets of results) {
      expect(offsets).toEqual(expected);
    }
  });

  it('should report an incomplete sequence left at the end of the stream', () => {
    const validator = new Utf8Validator();
    const offsets: number[] = [];

    validator.check(Buffer.from([0x61, 0xe2, 0x82]), 100, offsets);
    validator.finish(offsets);

    expect(offsets).toEqual([101]);
  });
});

describe('assertLooksLikeText', () => {
  it('should throw NOT_TEXT with the byte offset of a NUL character', () => {
    expect(() => assertLooksLikeText('a,b\n\u0000', (index) => index + 3)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.NOT_TEXT, details: { byteOffset: 7 } }),
    );
  });

  it('should throw NOT_TEXT when control characters abound', () => {
    expect(() => assertLooksLikeText('\u0001\u0002\u0003abc\u0004', (index) => index)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.NOT_TEXT }),
    );
  });

  it('should accept tabs, line breaks and form feeds', () => {
    expect(() => assertLooksLikeText('a\tb\r\nc\fd\n', (index) => index)).not.toThrow();
  });
});

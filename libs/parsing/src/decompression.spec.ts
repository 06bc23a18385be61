import { gzipSync } from 'node:zlib';
import { DecompressionGuard, gunzipPrefix, RATIO_CHECK_MIN_BYTES } from './decompression';
import { detectCompression } from './detect-compression';
import { ParsingErrorCode } from './parsing.exception';

const LIMITS = { maxDecompressedBytes: 1024 * 1024 * 1024, maxCompressionRatio: 200 };

describe('detectCompression', () => {
  it('should detect gzip by its magic bytes', () => {
    expect(detectCompression(gzipSync('a,b\n1,2\n')).value).toBe('gzip');
  });

  it('should detect plain text as uncompressed', () => {
    expect(detectCompression(Buffer.from('a,b\n1,2\n')).value).toBe('none');
  });

  it.each<[string, number[]]>([
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]],
    ['pdf', [...Buffer.from('%PDF-1.7\n')]],
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['bzip2', [...Buffer.from('BZh91AY')]],
    ['ole2 (xls/doc)', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ])('should refuse a %s file with NOT_TEXT', (format, bytes) => {
    expect(() => detectCompression(Buffer.from(bytes))).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.NOT_TEXT, details: { format, byteOffset: 0 } }),
    );
  });
});

describe('DecompressionGuard', () => {
  it('should throw DECOMPRESSION_LIMIT when the output passes the maximum size', () => {
    const guard = new DecompressionGuard({ maxDecompressedBytes: 1000, maxCompressionRatio: 1000 });

    expect(() => guard.check(10, 1001)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.DECOMPRESSION_LIMIT }),
    );
  });

  it('should throw DECOMPRESSION_LIMIT when the ratio passes the maximum on a large output', () => {
    const guard = new DecompressionGuard(LIMITS);

    expect(() => guard.check(1000, RATIO_CHECK_MIN_BYTES)).toThrow(
      expect.objectContaining({
        code: ParsingErrorCode.DECOMPRESSION_LIMIT,
        details: expect.objectContaining({ ratio: 8389 }),
      }),
    );
  });

  it('should not judge the ratio of a small output', () => {
    const guard = new DecompressionGuard(LIMITS);

    expect(() => guard.check(10, RATIO_CHECK_MIN_BYTES - 1)).not.toThrow();
  });
});

describe('gunzipPrefix', () => {
  const text = Buffer.from(
    'id,name\n' + Array.from({ length: 5000 }, (_, index) => `${index},name ${index}`).join('\n') + '\n',
  );
  const compressed = gzipSync(text);

  it('should decompress a whole object completely', async () => {
    const result = await gunzipPrefix(compressed, {
      wholeObject: true,
      maxOutputBytes: 10_000_000,
      limits: LIMITS,
    });

    expect([result.data.equals(text), result.ended, result.capped]).toEqual([true, true, false]);
  });

  it('should decompress the beginning of a prefix that stops mid-stream', async () => {
    const result = await gunzipPrefix(compressed.subarray(0, compressed.length / 2), {
      wholeObject: false,
      maxOutputBytes: 10_000_000,
      limits: LIMITS,
    });

    expect(result.data.length).toBeGreaterThan(1000);
    expect([text.subarray(0, result.data.length).equals(result.data), result.ended]).toEqual([true, false]);
  });

  it('should stop at the output cap', async () => {
    const result = await gunzipPrefix(compressed, {
      wholeObject: true,
      maxOutputBytes: 1000,
      limits: LIMITS,
    });

    expect([result.data.length, result.capped]).toEqual([1000, true]);
  });

  it('should throw TRUNCATED_GZIP when the whole object ends before the gzip stream does', async () => {
    await expect(
      gunzipPrefix(compressed.subarray(0, compressed.length - 20), {
        wholeObject: true,
        maxOutputBytes: 10_000_000,
        limits: LIMITS,
      }),
    ).rejects.toMatchObject({
      code: ParsingErrorCode.TRUNCATED_GZIP,
    });
  });

  it('should throw CORRUPT_GZIP when the data is not deflate', async () => {
    const corrupt = Buffer.concat([compressed.subarray(0, 10), Buffer.alloc(50, 0xff)]);

    await expect(
      gunzipPrefix(corrupt, { wholeObject: true, maxOutputBytes: 10_000_000, limits: LIMITS }),
    ).rejects.toMatchObject({ code: ParsingErrorCode.CORRUPT_GZIP });
  });

  it('should throw DECOMPRESSION_LIMIT when a bomb passes the maximum size before the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));

    await expect(
      gunzipPrefix(bomb, {
        wholeObject: true,
        maxOutputBytes: 64 * 1024 * 1024,
        limits: { maxDecompressedBytes: 1024 * 1024, maxCompressionRatio: 200 },
      }),
    ).rejects.toMatchObject({
      code: ParsingErrorCode.DECOMPRESSION_LIMIT,
    });
  });
});

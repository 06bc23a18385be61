import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { ParsingError, ParsingErrorCode } from './parsing.exception';
import { SourceConfig } from './source-config';

/**
 * Below this many decompressed bytes the ratio is not judged: small, very repetitive CSV files
 * legitimately compress far better than 200:1, and they cannot hurt anyone.
 */
export const RATIO_CHECK_MIN_BYTES = 8 * 1024 * 1024;

export type DecompressionLimits = Pick<SourceConfig, 'maxDecompressedBytes' | 'maxCompressionRatio'>;

/** Stops a gzip bomb: a bound on the decompressed size and on the decompressed/compressed ratio. */
export class DecompressionGuard {
  constructor(private readonly limits: DecompressionLimits) {}

  check(compressedBytes: number, decompressedBytes: number): void {
    if (decompressedBytes > this.limits.maxDecompressedBytes) {
      throw new ParsingError(
        ParsingErrorCode.DECOMPRESSION_LIMIT,
        `The gzip file decompresses to more than ${this.limits.maxDecompressedBytes} bytes, the configured maximum.`,
        {
          hint: 'Split the file, or raise max_decompressed_bytes if the file is legitimate.',
          details: {
            compressedBytes,
            decompressedBytes,
            maxDecompressedBytes: this.limits.maxDecompressedBytes,
          },
        },
      );
    }
    if (
      decompressedBytes >= RATIO_CHECK_MIN_BYTES &&
      decompressedBytes > compressedBytes * this.limits.maxCompressionRatio
    ) {
      const ratio = Math.round(decompressedBytes / Math.max(compressedBytes, 1));
      throw new ParsingError(
        ParsingErrorCode.DECOMPRESSION_LIMIT,
        `The gzip file expands ${ratio} times, more than the allowed ratio of ${this.limits.maxCompressionRatio}: it looks like a decompression bomb.`,
        {
          hint: 'Upload the file uncompressed, or raise max_compression_ratio if the file is legitimate.',
          details: {
            compressedBytes,
            decompressedBytes,
            ratio,
            maxCompressionRatio: this.limits.maxCompressionRatio,
          },
        },
      );
    }
  }
}

/** zlib failures become TRUNCATED_GZIP / CORRUPT_GZIP; anything else (e.g. a network error) is returned as is. */
export function mapZlibError(error: unknown, decompressedBytes: number): unknown {
  const code = (error as { code?: unknown })?.code;
  if (code === 'Z_BUF_ERROR') {
    return new ParsingError(
      ParsingErrorCode.TRUNCATED_GZIP,
      `The gzip file ends abruptly after ${decompressedBytes} decompressed bytes: it is truncated.`,
      {
        hint: 'Upload the complete file again.',
        details: { byteOffset: decompressedBytes, zlibCode: code },
        cause: error,
      },
    );
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT' || code === 'Z_STREAM_ERROR') {
    return new ParsingError(
      ParsingErrorCode.CORRUPT_GZIP,
      `The gzip data is corrupt after ${decompressedBytes} decompressed bytes.`,
      {
        hint: 'Check the file decompresses with gunzip, then upload it again.',
        details: { byteOffset: decompressedBytes, zlibCode: code },
        cause: error,
      },
    );
  }
  return error;
}

export interface GunzipPrefixResult {
  /** The decompressed bytes, at most `maxOutputBytes`. */
  data: Buffer;
  /** The gzip stream ended inside the prefix: `data` is the whole decompressed object. */
  ended: boolean;
  /** Decompression stopped at `maxOutputBytes`. */
  capped: boolean;
}

/**
 * Decompresses the beginning of a gzip object for a preview. Output is capped, so a bomb costs at
 * most `maxOutputBytes`. When `wholeObject` is false the prefix is expected to stop mid-stream; when
 * it is true a missing end is reported as TRUNCATED_GZIP.
 */
export function gunzipPrefix(
  prefix: Buffer,
  options: { wholeObject: boolean; maxOutputBytes: number; limits: DecompressionLimits },
): Promise<GunzipPrefixResult> {
  const guard = new DecompressionGuard(options.limits);
  const gunzip = createGunzip(options.wholeObject ? {} : { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [];
  let total = 0;
  return new Promise<GunzipPrefixResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (!settled) {
        settled = true;
        outcome();
      }
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) {
        return;
      }
      parts.push(chunk);
      total += chunk.length;
      try {
        guard.check(gunzip.bytesWritten, total);
      } catch (error) {
        gunzip.destroy();
        settle(() => reject(error));
        return;
      }
      if (total >= options.maxOutputBytes) {
        gunzip.destroy();
        settle(() =>
          resolve({
            data: Buffer.concat(parts).subarray(0, options.maxOutputBytes),
            ended: false,
            capped: true,
          }),
        );
      }
    });
    gunzip.on('end', () =>
      settle(() => resolve({ data: Buffer.concat(parts), ended: options.wholeObject, capped: false })),
    );
    gunzip.on('error', (error) => settle(() => reject(mapZlibError(error, total))));
    gunzip.end(prefix);
  });
}

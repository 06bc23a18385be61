import { AuthErrorCode, AuthException } from './auth.exception';
import { S3ClientLike } from './s3-client.factory';
import { parseS3Location } from './s3-location.parser';
import { probeLocation } from './s3-location.probe';
import { FakeAnswer, fakeClient, s3Error, s3HeadError } from './testing/fake-aws';

const FILE = parseS3Location('https://mybucket.s3.eu-west-3.amazonaws.com/data/test.csv');
const FOLDER = parseS3Location('https://mybucket.s3.eu-west-3.amazonaws.com/data/');
const BUCKET = parseS3Location('https://mybucket.s3.eu-west-3.amazonaws.com/');
const LAST_MODIFIED = new Date('2025-01-02T03:04:05Z');

async function probe(location = FILE, answers: Record<string, FakeAnswer[]> = {}) {
  const client = fakeClient(answers);
  const result = await probeLocation({
    client: client as unknown as S3ClientLike,
    location,
    region: 'eu-west-3',
  });
  return {
    result,
    calls: client.calls.map((call) => call.command),
    inputs: client.calls.map((call) => call.input),
  };
}

describe('probeLocation', () => {
  it('should return the object metadata from HeadObject when the file is readable', async () => {
    // Act
    const { result, calls } = await probe(FILE, {
      HeadObjectCommand: [
        { ContentLength: 1234, ETag: '"abc"', LastModified: LAST_MODIFIED, ContentType: 'text/csv' },
      ],
    });

    // Assert
    expect([result, calls]).toEqual([
      {
        status: 'valid',
        object: { size: 1234, etag: '"abc"', lastModified: LAST_MODIFIED, contentType: 'text/csv' },
      },
      ['HeadObjectCommand'],
    ]);
  });

  it.each([
    [
      'a bad access key',
      s3HeadError(403),
      s3Error('InvalidAccessKeyId', 403),
      AuthErrorCode.INVALID_ACCESS_KEY,
    ],
    [
      'a bad secret',
      s3HeadError(403),
      s3Error('SignatureDoesNotMatch', 403),
      AuthErrorCode.SIGNATURE_MISMATCH,
    ],
    ['a denial', s3HeadError(403), s3Error('AccessDenied', 403), AuthErrorCode.ACCESS_DENIED],
    ['a missing bucket', s3HeadError(404), s3Error('NoSuchBucket', 404), AuthErrorCode.NO_SUCH_BUCKET],
    ['a missing key', s3HeadError(404), s3Error('NoSuchKey', 404), AuthErrorCode.NO_SUCH_KEY],
  ])('should re-probe with a one-byte GET to tell %s', async (_label, headError, getError, code) => {
    // Act
    const { result, calls, inputs } = await probe(FILE, {
      HeadObjectCommand: [headError],
      GetObjectCommand: [getError],
    });

    // Assert
    expect([result.status === 'invalid' && result.reason.code, calls, inputs[1]]).toEqual([
      code,
      ['HeadObjectCommand', 'GetObjectCommand'],
      { Bucket: 'mybucket', Key: 'data/test.csv', Range: 'bytes=0-0' },
    ]);
  });

  it('should report WRONG_REGION from the HEAD header without a second request', async () => {
    // Act
    const { result, calls } = await probe(FILE, {
      HeadObjectCommand: [s3HeadError(301, { 'x-amz-bucket-region': 'us-east-1' })],
    });

    // Assert
    expect([
      result.status === 'invalid' && result.reason.code,
      result.status === 'invalid' && result.reason.hint?.includes('us-east-1'),
      calls,
    ]).toEqual([AuthErrorCode.WRONG_REGION, true, ['HeadObjectCommand']]);
  });

  it('should not re-probe when the HEAD failed before reaching S3', async () => {
    // Act
    const { result, calls } = await probe(FILE, {
      HeadObjectCommand: [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    });

    // Assert
    expect([result.status === 'invalid' && result.reason.code, calls]).toEqual([
      AuthErrorCode.ENDPOINT_UNREACHABLE,
      ['HeadObjectCommand'],
    ]);
  });

  it('should report the egress guard refusal when the endpoint is internal', async () => {
    // Act
    const { result } = await probe(FILE, {
      HeadObjectCommand: [new AuthException(AuthErrorCode.EGRESS_DENIED, 'denied')],
    });

    // Assert
    expect(result.status === 'invalid' && result.reason.code).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should read the size from Content-Range when only the ranged GET is allowed', async () => {
    // Act
    const destroyed: boolean[] = [];
    const { result } = await probe(FILE, {
      HeadObjectCommand: [s3HeadError(403)],
      GetObjectCommand: [
        {
          ContentRange: 'bytes 0-0/98765',
          ContentLength: 1,
          ETag: '"e"',
          Body: { destroy: () => destroyed.push(true) },
        },
      ],
    });

    // Assert
    expect([result, destroyed]).toEqual([
      {
        status: 'valid',
        object: { size: 98765, etag: '"e"', lastModified: undefined, contentType: undefined },
      },
      [true],
    ]);
  });

  it('should accept an empty object when the ranged GET is unsatisfiable', async () => {
    // Act
    const { result } = await probe(FILE, {
      HeadObjectCommand: [s3HeadError(403)],
      GetObjectCommand: [s3Error('InvalidRange', 416)],
    });

    // Assert
    expect(result).toEqual({ status: 'valid', object: { size: 0 } });
  });

  it.each([
    ['a folder', FOLDER, { Bucket: 'mybucket', MaxKeys: 1, Prefix: 'data/' }],
    ['a bucket', BUCKET, { Bucket: 'mybucket', MaxKeys: 1 }],
  ])('should list one key when the location is %s', async (_label, location, input) => {
    // Act
    const { result, inputs } = await probe(location, { ListObjectsV2Command: [{ KeyCount: 0 }] });

    // Assert
    expect([result, inputs]).toEqual([{ status: 'valid' }, [input]]);
  });

  it('should diagnose a listing error directly since it has a body', async () => {
    // Act
    const { result, calls } = await probe(BUCKET, { ListObjectsV2Command: [s3Error('NoSuchBucket', 404)] });

    // Assert
    expect([result.status === 'invalid' && result.reason.code, calls]).toEqual([
      AuthErrorCode.NO_SUCH_BUCKET,
      ['ListObjectsV2Command'],
    ]);
  });
});

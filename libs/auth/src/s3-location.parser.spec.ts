import { AuthErrorCode, AuthException } from './auth.exception';
import {
  locationKind,
  parseS3Endpoint,
  parseS3Location,
  resolveLocation,
  toS3Uri,
} from './s3-location.parser';
import { S3Location } from './s3-location.types';
import { errorCodeOf } from './testing/error-code';

const aws = (
  bucket: string,
  key: string | undefined,
  region: string | undefined,
  endpoint?: string,
): S3Location => ({
  endpoint,
  bucket,
  key,
  region,
  forcePathStyle: false,
  provider: 'aws',
});

describe('parseS3Location', () => {
  const valid: [string, S3Location][] = [
    // AWS virtual-hosted style
    ['https://mybucket.s3.eu-west-3.amazonaws.com/test.csv', aws('mybucket', 'test.csv', 'eu-west-3')],
    ['https://mybucket.s3.amazonaws.com/test.csv', aws('mybucket', 'test.csv', undefined)],
    [
      'https://mybucket.s3-eu-west-1.amazonaws.com/data/test.csv',
      aws('mybucket', 'data/test.csv', 'eu-west-1'),
    ],
    ['https://mybucket.s3-external-1.amazonaws.com/a.csv', aws('mybucket', 'a.csv', 'us-east-1')],
    [
      'https://my.dotted.bucket.s3.us-west-2.amazonaws.com/a.csv',
      aws('my.dotted.bucket', 'a.csv', 'us-west-2'),
    ],
    ['https://s3-logs.s3.amazonaws.com/a.csv', aws('s3-logs', 'a.csv', undefined)],
    ['https://mybucket.s3.cn-north-1.amazonaws.com.cn/a.csv', aws('mybucket', 'a.csv', 'cn-north-1')],
    ['https://MyBucket.S3.EU-WEST-3.amazonaws.com/Test.csv', aws('mybucket', 'Test.csv', 'eu-west-3')],
    ['https://mybucket.s3.eu-west-3.amazonaws.com./a.csv', aws('mybucket', 'a.csv', 'eu-west-3')],
    // AWS path style
    ['https://s3.eu-west-3.amazonaws.com/mybucket/test.csv', aws('mybucket', 'test.csv', 'eu-west-3')],
    ['https://s3.amazonaws.com/mybucket/test.csv', aws('mybucket', 'test.csv', undefined)],
    ['https://s3-eu-west-1.amazonaws.com/mybucket/', aws('mybucket', undefined, 'eu-west-1')],
    // AWS dual-stack, FIPS, accelerate keep their host
    [
      'https://mybucket.s3.dualstack.us-east-1.amazonaws.com/a.csv',
      aws('mybucket', 'a.csv', 'us-east-1', 'https://s3.dualstack.us-east-1.amazonaws.com'),
    ],
    [
      'https://s3.dualstack.us-east-1.amazonaws.com/mybucket/a.csv',
      aws('mybucket', 'a.csv', 'us-east-1', 'https://s3.dualstack.us-east-1.amazonaws.com'),
    ],
    [
      'https://mybucket.s3-fips.us-gov-west-1.amazonaws.com/a.csv',
      aws('mybucket', 'a.csv', 'us-gov-west-1', 'https://s3-fips.us-gov-west-1.amazonaws.com'),
    ],
    [
      'https://s3-fips.dualstack.us-east-2.amazonaws.com/mybucket/a.csv',
      aws('mybucket', 'a.csv', 'us-east-2', 'https://s3-fips.dualstack.us-east-2.amazonaws.com'),
    ],
    [
      'https://mybucket.s3-accelerate.amazonaws.com/a.csv',
      aws('mybucket', 'a.csv', undefined, 'https://s3-accelerate.amazonaws.com'),
    ],
    // s3:// URIs: keys are literal, like the AWS CLI
    ['s3://mybucket/folder/my file%20.csv', aws('mybucket', 'folder/my file%20.csv', undefined)],
    ['s3://mybucket', aws('mybucket', undefined, undefined)],
    ['s3://mybucket/', aws('mybucket', undefined, undefined)],
    ['s3://mybucket/folder/', aws('mybucket', 'folder/', undefined)],
    // OVH
    [
      'https://waterbucket.s3.bhs.io.cloud.ovh.net/fruits.csv',
      {
        endpoint: 'https://s3.bhs.io.cloud.ovh.net',
        bucket: 'waterbucket',
        key: 'fruits.csv',
        region: 'bhs',
        forcePathStyle: false,
        provider: 'ovh',
      },
    ],
    [
      'https://s3.gra.io.cloud.ovh.net/bucket/key.csv',
      {
        endpoint: 'https://s3.gra.io.cloud.ovh.net',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'gra',
        forcePathStyle: true,
        provider: 'ovh',
      },
    ],
    [
      'https://waterbucket.s3.gra.perf.cloud.ovh.net/',
      {
        endpoint: 'https://s3.gra.perf.cloud.ovh.net',
        bucket: 'waterbucket',
        key: undefined,
        region: 'gra',
        forcePathStyle: false,
        provider: 'ovh',
      },
    ],
    // Scaleway
    [
      'https://bucket.s3.fr-par.scw.cloud/data/file.csv',
      {
        endpoint: 'https://s3.fr-par.scw.cloud',
        bucket: 'bucket',
        key: 'data/file.csv',
        region: 'fr-par',
        forcePathStyle: false,
        provider: 'scaleway',
      },
    ],
    [
      'https://s3.nl-ams.scw.cloud/bucket/file.csv',
      {
        endpoint: 'https://s3.nl-ams.scw.cloud',
        bucket: 'bucket',
        key: 'file.csv',
        region: 'nl-ams',
        forcePathStyle: true,
        provider: 'scaleway',
      },
    ],
    // Cloudflare R2
    [
      'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com/bucket/key.csv',
      {
        endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'auto',
        forcePathStyle: true,
        provider: 'r2',
      },
    ],
    [
      'https://0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com/bucket/key.csv',
      {
        endpoint: 'https://0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'auto',
        forcePathStyle: true,
        provider: 'r2',
      },
    ],
    [
      'https://bucket.0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com/key.csv',
      {
        endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'auto',
        forcePathStyle: false,
        provider: 'r2',
      },
    ],
    // Wasabi
    [
      'https://s3.eu-central-1.wasabisys.com/bucket/key.csv',
      {
        endpoint: 'https://s3.eu-central-1.wasabisys.com',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'eu-central-1',
        forcePathStyle: true,
        provider: 'wasabi',
      },
    ],
    [
      'https://bucket.s3.wasabisys.com/key.csv',
      {
        endpoint: 'https://s3.wasabisys.com',
        bucket: 'bucket',
        key: 'key.csv',
        region: 'us-east-1',
        forcePathStyle: false,
        provider: 'wasabi',
      },
    ],
    // Custom endpoints: always path style, port kept
    [
      'http://minio.local:9000/bucket/key.csv',
      {
        endpoint: 'http://minio.local:9000',
        bucket: 'bucket',
        key: 'key.csv',
        region: undefined,
        forcePathStyle: true,
        provider: 'custom',
      },
    ],
    [
      'http://127.0.0.1:4566/Legacy_Bucket/a/b.csv',
      {
        endpoint: 'http://127.0.0.1:4566',
        bucket: 'Legacy_Bucket',
        key: 'a/b.csv',
        region: undefined,
        forcePathStyle: true,
        provider: 'custom',
      },
    ],
    [
      'https://storage.example.com/bucket',
      {
        endpoint: 'https://storage.example.com',
        bucket: 'bucket',
        key: undefined,
        region: undefined,
        forcePathStyle: true,
        provider: 'custom',
      },
    ],
    // Keys: percent-decoding, spaces, unicode, plus signs, folders
    ['https://b-1.s3.eu-west-3.amazonaws.com/my%20file.csv', aws('b-1', 'my file.csv', 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com/my file.csv', aws('b-1', 'my file.csv', 'eu-west-3')],
    [
      'https://b-1.s3.eu-west-3.amazonaws.com/donn%C3%A9es/r%C3%A9sum%C3%A9.csv',
      aws('b-1', 'données/résumé.csv', 'eu-west-3'),
    ],
    ['https://b-1.s3.eu-west-3.amazonaws.com/données/été.csv', aws('b-1', 'données/été.csv', 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com/a+b.csv', aws('b-1', 'a+b.csv', 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com/a%2Fb.csv', aws('b-1', 'a/b.csv', 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com/folder/sub/', aws('b-1', 'folder/sub/', 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com/', aws('b-1', undefined, 'eu-west-3')],
    ['https://b-1.s3.eu-west-3.amazonaws.com', aws('b-1', undefined, 'eu-west-3')],
    ['  https://b-1.s3.eu-west-3.amazonaws.com/a.csv  ', aws('b-1', 'a.csv', 'eu-west-3')],
  ];

  it.each(valid)('should parse %s', (input, expected) => {
    // Act
    const location = parseS3Location(input);

    // Assert
    expect(location).toEqual(expected);
  });

  const invalid: [string, string, AuthErrorCode][] = [
    ['empty', '', AuthErrorCode.INVALID_S3_URL],
    ['not a URL', 'mybucket/test.csv', AuthErrorCode.INVALID_S3_URL],
    ['ftp scheme', 'ftp://host/bucket/key', AuthErrorCode.INVALID_S3_URL],
    [
      'credentials in the URL',
      'https://user:pass@s3.gra.io.cloud.ovh.net/bucket/key',
      AuthErrorCode.INVALID_S3_URL,
    ],
    [
      'a query string',
      'https://b-1.s3.amazonaws.com/a.csv?X-Amz-Signature=abc',
      AuthErrorCode.INVALID_S3_URL,
    ],
    ['a fragment', 'https://b-1.s3.amazonaws.com/a.csv#top', AuthErrorCode.INVALID_S3_URL],
    ['no bucket', 'https://s3.eu-west-3.amazonaws.com/', AuthErrorCode.INVALID_S3_URL],
    ['no bucket on a custom endpoint', 'http://minio.local:9000', AuthErrorCode.INVALID_S3_URL],
    ['an invalid percent-encoding', 'https://b-1.s3.amazonaws.com/100%.csv', AuthErrorCode.INVALID_S3_URL],
    [
      'a website endpoint',
      'http://mybucket.s3-website-eu-west-1.amazonaws.com/a.csv',
      AuthErrorCode.INVALID_S3_URL,
    ],
    [
      'an access point',
      'https://ap-123456789012.s3-accesspoint.eu-west-3.amazonaws.com/a.csv',
      AuthErrorCode.INVALID_S3_URL,
    ],
    ['a non-S3 AWS host', 'https://ec2.eu-west-3.amazonaws.com/a/b', AuthErrorCode.INVALID_S3_URL],
    [
      'a bad AWS region label',
      'https://mybucket.s3.europe.amazonaws.com/a.csv',
      AuthErrorCode.INVALID_S3_URL,
    ],
    [
      'dual-stack without a region',
      'https://mybucket.s3.dualstack.amazonaws.com/a.csv',
      AuthErrorCode.INVALID_S3_URL,
    ],
    [
      'an R2 host without account id',
      'https://bucket.r2.cloudflarestorage.com/key',
      AuthErrorCode.INVALID_S3_URL,
    ],
    ['an s3:// without bucket', 's3:///key', AuthErrorCode.INVALID_S3_URL],
    ['an upper-case AWS bucket in s3://', 's3://MyBucket/key', AuthErrorCode.INVALID_BUCKET_NAME],
    ['a two-letter bucket', 'https://s3.eu-west-3.amazonaws.com/ab/key', AuthErrorCode.INVALID_BUCKET_NAME],
    ['an IP-shaped bucket', 's3://192.168.1.1/key', AuthErrorCode.INVALID_BUCKET_NAME],
    ['a bucket with two dots', 'https://s3.gra.io.cloud.ovh.net/a..b/key', AuthErrorCode.INVALID_BUCKET_NAME],
    ['a key over 1024 bytes', `s3://mybucket/${'é'.repeat(513)}`, AuthErrorCode.INVALID_OBJECT_KEY],
    [
      'a key with a control character',
      'https://b-1.s3.amazonaws.com/a%0Ab.csv',
      AuthErrorCode.INVALID_OBJECT_KEY,
    ],
  ];

  it.each(invalid)('should refuse %s', (_label, input, code) => {
    // Act
    const actual = errorCodeOf(() => parseS3Location(input));

    // Assert
    expect(actual).toBe(code);
  });

  it.each([
    ['a password', 'https://user:hunter2@s3.gra.io.cloud.ovh.net/bucket/key', 'hunter2'],
    [
      'a pre-signed query',
      'https://b-1.s3.amazonaws.com/a.csv?X-Amz-Security-Token=tok3n&X-Amz-Signature=abc',
      'tok3n',
    ],
  ])('should not echo %s when refusing a URL', (_label, input, secret) => {
    // Act
    let error: AuthException | undefined;
    try {
      parseS3Location(input);
    } catch (caught) {
      error = caught as AuthException;
    }

    // Assert
    expect([
      error?.code,
      JSON.stringify({ message: error?.message, details: error?.details }).includes(secret),
    ]).toEqual([AuthErrorCode.INVALID_S3_URL, false]);
  });
});

describe('parseS3Endpoint', () => {
  it.each([
    [
      'http://minio.local:9000',
      { endpoint: 'http://minio.local:9000', region: undefined, forcePathStyle: true, provider: 'custom' },
    ],
    [
      'https://s3.gra.io.cloud.ovh.net/',
      { endpoint: 'https://s3.gra.io.cloud.ovh.net', region: 'gra', forcePathStyle: true, provider: 'ovh' },
    ],
    [
      'https://s3.eu-west-3.amazonaws.com',
      { endpoint: undefined, region: 'eu-west-3', forcePathStyle: false, provider: 'aws' },
    ],
  ])('should parse the endpoint of %s', (input, expected) => {
    // Act
    const endpoint = parseS3Endpoint(input);

    // Assert
    expect(endpoint).toEqual(expected);
  });
});

describe('locationKind and toS3Uri', () => {
  it.each([
    [undefined, 'bucket', 's3://b-1/'],
    ['folder/', 'prefix', 's3://b-1/folder/'],
    ['folder/file.csv', 'object', 's3://b-1/folder/file.csv'],
  ] as const)('should classify key %s as %s', (key, kind, uri) => {
    // Arrange
    const location = { bucket: 'b-1', key };

    // Act / Assert
    expect([locationKind(location), toS3Uri(location)]).toEqual([kind, uri]);
  });
});

describe('resolveLocation', () => {
  const ovhFile = parseS3Location('https://waterbucket.s3.bhs.io.cloud.ovh.net/exports/fruits.csv');
  const ovhPrefix = parseS3Location('https://waterbucket.s3.bhs.io.cloud.ovh.net/exports/');
  const minioBucket = parseS3Location('http://minio.local:9000/bucket');
  const awsRegion = {
    endpoint: undefined,
    region: 'eu-west-3',
    forcePathStyle: false,
    provider: 'aws' as const,
  };

  const resolved: [string, S3Location | typeof awsRegion, string, Partial<S3Location>][] = [
    [
      'a key next to the connection file',
      ovhFile,
      'vegetables.csv',
      { bucket: 'waterbucket', key: 'exports/vegetables.csv', endpoint: 'https://s3.bhs.io.cloud.ovh.net' },
    ],
    [
      'a key under the connection prefix',
      ovhPrefix,
      '2024/fruits.csv',
      { bucket: 'waterbucket', key: 'exports/2024/fruits.csv' },
    ],
    [
      'a key from the bucket root',
      ovhPrefix,
      '/other/fruits.csv',
      { bucket: 'waterbucket', key: 'other/fruits.csv' },
    ],
    [
      'an empty key (the connection location itself)',
      ovhFile,
      '',
      { bucket: 'waterbucket', key: 'exports/fruits.csv' },
    ],
    [
      'a key in a bucket connection',
      minioBucket,
      'a b/c.csv',
      { bucket: 'bucket', key: 'a b/c.csv', forcePathStyle: true },
    ],
    [
      'an s3:// URL in the same bucket',
      ovhFile,
      's3://waterbucket/x/y.csv',
      { bucket: 'waterbucket', key: 'x/y.csv', provider: 'ovh' },
    ],
    [
      'a full URL on the same endpoint, path style',
      ovhFile,
      'https://s3.bhs.io.cloud.ovh.net/waterbucket/y.csv',
      { bucket: 'waterbucket', key: 'y.csv', forcePathStyle: true },
    ],
    [
      'an s3:// URL on a region-only connection',
      awsRegion,
      's3://any-bucket/file.csv',
      { bucket: 'any-bucket', key: 'file.csv', region: 'eu-west-3' },
    ],
    [
      'a global AWS URL on a region-only connection',
      awsRegion,
      'https://any-bucket.s3.amazonaws.com/file.csv',
      { bucket: 'any-bucket', region: 'eu-west-3' },
    ],
  ];

  it.each(resolved)('should resolve %s', (_label, base, relative, expected) => {
    // Act
    const location = resolveLocation(base, relative);

    // Assert
    expect(location).toMatchObject(expected);
  });

  const refused: [string, S3Location | typeof awsRegion, string, AuthErrorCode][] = [
    [
      'another endpoint',
      ovhFile,
      'https://waterbucket.s3.gra.io.cloud.ovh.net/fruits.csv',
      AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    ],
    [
      'another provider',
      ovhFile,
      'https://waterbucket.s3.eu-west-3.amazonaws.com/fruits.csv',
      AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    ],
    [
      'another AWS region',
      awsRegion,
      'https://b-1.s3.eu-west-1.amazonaws.com/a.csv',
      AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    ],
    [
      'another bucket through s3://',
      ovhFile,
      's3://otherbucket/fruits.csv',
      AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    ],
    [
      'another bucket on the same endpoint',
      minioBucket,
      'http://minio.local:9000/other/a.csv',
      AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    ],
    ['a bare key without a connection bucket', awsRegion, 'file.csv', AuthErrorCode.INVALID_S3_URL],
    ['an unsupported scheme', ovhFile, 'ftp://host/a.csv', AuthErrorCode.INVALID_S3_URL],
  ];

  it.each(refused)('should refuse %s', (_label, base, relative, code) => {
    // Act
    const actual = errorCodeOf(() => resolveLocation(base, relative));

    // Assert
    expect(actual).toBe(code);
  });
});

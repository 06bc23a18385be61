import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AuthErrorCode } from './auth.exception';
import { createEgressGuard } from './egress.guard';
import { createS3Client, CreateS3ClientOptions, normalizeCustomHeaders } from './s3-client.factory';
import { parseS3Location } from './s3-location.parser';
import { asyncErrorCodeOf, errorCodeOf } from './testing/error-code';

interface CapturedRequest {
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
}

class Captured extends Error {
  constructor(readonly request: CapturedRequest) {
    super('captured');
  }
}

/** Builds a client and stops its first request right before the wire, after signing. */
function capturingClient(
  options: Partial<CreateS3ClientOptions> & Pick<CreateS3ClientOptions, 'location'>,
): S3Client {
  const client = createS3Client({
    region: options.location.region ?? 'eu-west-3',
    credentials: { kind: 'static', accessKeyId: 'AKIATENANT', secretAccessKey: 'tenant-secret' },
    egressGuard: createEgressGuard({ allowList: ['minio.local'], allowHttpFor: ['minio.local'] }),
    maxAttempts: 1,
    ...options,
  });
  client.middlewareStack.add(
    () => async (args) => {
      throw new Captured(args.request as CapturedRequest);
    },
    { step: 'deserialize', name: 'captureRequest', priority: 'low' },
  );
  return client;
}

async function capture(
  client: S3Client,
  command: GetObjectCommand | PutObjectCommand,
): Promise<CapturedRequest> {
  try {
    await client.send(command);
  } catch (error) {
    if (error instanceof Captured) {
      return error.request;
    }
    throw error;
  } finally {
    client.destroy();
  }
  throw new Error('the request was not captured');
}

const AWS_FILE = parseS3Location('https://mybucket.s3.eu-west-3.amazonaws.com/data/test.csv');
const OVH_FILE = parseS3Location('https://waterbucket.s3.bhs.io.cloud.ovh.net/fruits.csv');
const MINIO_FILE = parseS3Location('http://minio.local:9000/bucket/my%20file.csv');

describe('createS3Client', () => {
  it.each([
    ['AWS, virtual-hosted', AWS_FILE, 'mybucket.s3.eu-west-3.amazonaws.com', '/data/test.csv'],
    ['OVH, virtual-hosted on its endpoint', OVH_FILE, 'waterbucket.s3.bhs.io.cloud.ovh.net', '/fruits.csv'],
    ['MinIO, path style', MINIO_FILE, 'minio.local', '/bucket/my%20file.csv'],
  ])('should address %s', async (_label, location, hostname, path) => {
    // Act
    const request = await capture(
      capturingClient({ location }),
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );

    // Assert
    expect([request.hostname, request.path]).toEqual([hostname, path]);
  });

  it('should sign with the given access key and add no checksum headers when reading', async () => {
    // Act
    const request = await capture(
      capturingClient({ location: AWS_FILE }),
      new GetObjectCommand({ Bucket: 'mybucket', Key: 'data/test.csv' }),
    );

    // Assert
    expect([
      request.headers.authorization?.includes('Credential=AKIATENANT/'),
      request.headers['x-amz-checksum-mode'],
    ]).toEqual([true, undefined]);
  });

  it('should compute no checksum when writing, since S3-compatible stores reject the default trailers', async () => {
    // Act
    const request = await capture(
      capturingClient({ location: MINIO_FILE }),
      new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'abc' }),
    );

    // Assert
    expect(
      Object.keys(request.headers).filter(
        (name) => name.startsWith('x-amz-checksum') || name === 'x-amz-sdk-checksum-algorithm',
      ),
    ).toEqual([]);
  });

  it('should send and sign the custom headers', async () => {
    // Act
    const request = await capture(
      capturingClient({
        location: AWS_FILE,
        headers: { 'X-Amz-Request-Payer': 'requester', 'X-Custom': 'value' },
      }),
      new GetObjectCommand({ Bucket: 'mybucket', Key: 'data/test.csv' }),
    );

    // Assert
    const signedHeaders =
      /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1].split(';') ?? [];
    expect([
      request.headers['x-amz-request-payer'],
      request.headers['x-custom'],
      signedHeaders.includes('x-custom'),
      signedHeaders.includes('x-amz-request-payer'),
    ]).toEqual(['requester', 'value', true, true]);
  });

  it('should send no authorization when the access is anonymous', async () => {
    // Act
    const request = await capture(
      capturingClient({ location: AWS_FILE, credentials: { kind: 'anonymous' } }),
      new GetObjectCommand({ Bucket: 'mybucket', Key: 'data/test.csv' }),
    );

    // Assert
    expect([request.headers.authorization, request.headers['x-amz-security-token']]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('should send the session token when the credentials are temporary', async () => {
    // Act
    const request = await capture(
      capturingClient({
        location: AWS_FILE,
        credentials: {
          kind: 'session',
          accessKeyId: 'ASIATEMP',
          secretAccessKey: 's',
          sessionToken: 'the-token',
        },
      }),
      new GetObjectCommand({ Bucket: 'mybucket', Key: 'data/test.csv' }),
    );

    // Assert
    expect([
      request.headers['x-amz-security-token'],
      request.headers.authorization?.includes('Credential=ASIATEMP/'),
    ]).toEqual(['the-token', true]);
  });

  it('should ask the provider for credentials when they come from a session cache', async () => {
    // Arrange
    const provide = jest.fn(async () => ({
      accessKeyId: 'ASIACACHED',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(Date.now() + 3600_000),
    }));

    // Act
    const request = await capture(
      capturingClient({ location: AWS_FILE, credentials: { kind: 'provider', provide } }),
      new GetObjectCommand({ Bucket: 'mybucket', Key: 'data/test.csv' }),
    );

    // Assert
    expect([
      request.headers.authorization?.includes('Credential=ASIACACHED/'),
      provide.mock.calls.length,
    ]).toEqual([true, 1]);
  });

  it.each([
    [
      'an empty access key',
      { location: AWS_FILE, credentials: { kind: 'static' as const, accessKeyId: '', secretAccessKey: 'x' } },
      AuthErrorCode.CREDENTIALS_REQUIRED,
    ],
    [
      'an unknown credentials kind',
      { location: AWS_FILE, credentials: { kind: 'default-chain' } as never },
      AuthErrorCode.CREDENTIALS_REQUIRED,
    ],
    [
      'a region the host contradicts',
      { location: AWS_FILE, region: 'us-east-1' },
      AuthErrorCode.REGION_MISMATCH,
    ],
    [
      'an internal endpoint',
      { location: parseS3Location('https://10.0.0.8/bucket/key') },
      AuthErrorCode.EGRESS_DENIED,
    ],
    [
      'a plain-http endpoint not allowed for http',
      { location: parseS3Location('http://storage.example.com/bucket/key'), region: 'us-east-1' },
      AuthErrorCode.EGRESS_DENIED,
    ],
    [
      'a reserved header',
      { location: AWS_FILE, headers: { Authorization: 'x' } },
      AuthErrorCode.INVALID_HEADER,
    ],
  ])('should refuse %s', (_label, options, code) => {
    // Act / Assert
    expect(errorCodeOf(() => capturingClient(options))).toBe(code);
  });
});

describe('createS3Client sockets', () => {
  const resolvesToLoopback = createEgressGuard({
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });
  const location = parseS3Location('https://uploads.example.com/bucket/key');

  it('should pass large uploads (Expect: 100-continue) through the egress guard too', async () => {
    // Arrange
    const client = createS3Client({
      location,
      region: 'us-east-1',
      credentials: { kind: 'static', accessKeyId: 'AKIA', secretAccessKey: 's' },
      egressGuard: resolvesToLoopback,
      maxAttempts: 1,
    });

    // Act
    const code = await asyncErrorCodeOf(() =>
      client.send(
        new PutObjectCommand({ Bucket: 'bucket', Key: 'key', Body: Buffer.alloc(3 * 1024 * 1024) }),
      ),
    );
    client.destroy();

    // Assert
    expect(code).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should leave shared agents open when one client is destroyed', () => {
    // Arrange
    const agents = resolvesToLoopback.createAgents();
    const destroy = jest.spyOn(agents.httpsAgent, 'destroy');
    const client = createS3Client({
      location,
      region: 'us-east-1',
      credentials: { kind: 'anonymous' },
      egressGuard: resolvesToLoopback,
      agents,
    });

    // Act
    client.destroy();

    // Assert
    expect(destroy).not.toHaveBeenCalled();
    agents.httpsAgent.destroy();
    agents.httpAgent.destroy();
  });
});

describe('normalizeCustomHeaders', () => {
  it('should lower-case the names when the headers are valid', () => {
    // Act / Assert
    expect(normalizeCustomHeaders({ 'X-Amz-Request-Payer': 'requester', 'x-api-key': 'k' })).toEqual({
      'x-amz-request-payer': 'requester',
      'x-api-key': 'k',
    });
  });

  it.each([
    ['a name with a space', { 'my header': 'v' }],
    ['a name with a colon', { 'x:y': 'v' }],
    ['a range header', { Range: 'bytes=0-1' }],
    ['an if-match header', { 'If-Match': '"etag"' }],
    ['a host header', { host: 'evil.example.com' }],
    ['a security token header', { 'x-amz-security-token': 't' }],
    ['a checksum header', { 'x-amz-checksum-crc32': 'AAAA' }],
    ['a value with a newline', { 'x-custom': 'a\r\nInjected: yes' }],
  ])('should refuse %s with INVALID_HEADER', (_label, headers) => {
    // Act / Assert
    expect(errorCodeOf(() => normalizeCustomHeaders(headers))).toBe(AuthErrorCode.INVALID_HEADER);
  });

  it('should not put a header value in the error when the value is refused', () => {
    // Act
    let message = '';
    try {
      normalizeCustomHeaders({ 'x-api-key': 'super-secret\n' });
    } catch (error) {
      message = (error as Error).message;
    }

    // Assert
    expect([message.includes('x-api-key'), message.includes('super-secret')]).toEqual([true, false]);
  });
});

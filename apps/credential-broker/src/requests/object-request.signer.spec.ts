import {
  createEgressGuard,
  createS3Client,
  parseS3Endpoint,
  parseS3Location,
  type S3Credentials,
  type S3Endpoint,
} from '@s3c/auth';
import { signObjectRequest, toQueryString } from './object-request.signer';

const STATIC: S3Credentials = {
  kind: 'static',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'secret-example-key',
};

function clientFor(
  location: S3Endpoint,
  region: string,
  credentials: S3Credentials = STATIC,
  headers?: Record<string, string>,
) {
  return createS3Client({
    location,
    region,
    credentials,
    headers,
    egressGuard: createEgressGuard({ allowList: [] }),
    maxAttempts: 1,
  });
}

describe('signObjectRequest', () => {
  it('should build a virtual-hosted URL when the location is an AWS bucket', async () => {
    const location = parseS3Location('https://waterbucket.s3.eu-west-3.amazonaws.com/data/test.csv');
    const client = clientFor(location, 'eu-west-3');

    const signed = await signObjectRequest(client, {
      method: 'GET',
      bucket: location.bucket,
      key: 'data/test.csv',
    });
    client.destroy();

    expect(signed.url).toBe('https://waterbucket.s3.eu-west-3.amazonaws.com/data/test.csv?x-id=GetObject');
  });

  it('should build a path-style URL when the location is a custom endpoint', async () => {
    const location = parseS3Location('https://objects.example.com:9000/waterbucket/fruits.csv');
    const client = clientFor(location, 'eu-west-1');

    const signed = await signObjectRequest(client, {
      method: 'HEAD',
      bucket: location.bucket,
      key: 'fruits.csv',
    });
    client.destroy();

    expect(signed.url).toBe('https://objects.example.com:9000/waterbucket/fruits.csv');
  });

  it('should percent-encode the key in the path when it holds spaces, plus signs and parentheses', async () => {
    const client = clientFor(parseS3Endpoint('https://objects.example.com:9000'), 'eu-west-1');

    const signed = await signObjectRequest(client, {
      method: 'GET',
      bucket: 'waterbucket',
      key: 'dir/a b+c(1)*.csv',
    });
    client.destroy();

    expect(new URL(signed.url).pathname).toBe('/waterbucket/dir/a%20b%2Bc%281%29%2A.csv');
  });

  it('should sign the range, the ETag condition and the custom headers, and leave the host to the URL', async () => {
    const location = parseS3Location('https://objects.example.com:9000/waterbucket/fruits.csv');
    const client = clientFor(location, 'eu-west-1', STATIC, { 'x-tenant-token': 'tenant-value' });

    const signed = await signObjectRequest(client, {
      method: 'GET',
      bucket: location.bucket,
      key: 'fruits.csv',
      range: 'bytes=0-9',
      ifMatch: '"abc"',
    });
    client.destroy();

    const signedHeaders =
      /SignedHeaders=([^,]+)/.exec(signed.headers.authorization ?? '')?.[1]?.split(';') ?? [];
    expect(signed.headers).toMatchObject({
      range: 'bytes=0-9',
      'if-match': '"abc"',
      'x-tenant-token': 'tenant-value',
    });
    expect(signed.headers.host).toBeUndefined();
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'range', 'if-match', 'x-tenant-token', 'x-amz-date']),
    );
    expect(signed.headers.authorization).toContain('Credential=AKIAEXAMPLEEXAMPLE01/');
  });

  it('should carry the session token when the credentials are a role session', async () => {
    const location = parseS3Location('https://waterbucket.s3.eu-west-3.amazonaws.com/test.csv');
    const client = clientFor(location, 'eu-west-3', {
      kind: 'session',
      accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      secretAccessKey: 'session-secret',
      sessionToken: 'session-token-1',
    });

    const signed = await signObjectRequest(client, {
      method: 'GET',
      bucket: location.bucket,
      key: 'test.csv',
    });
    client.destroy();

    expect(signed.headers['x-amz-security-token']).toBe('session-token-1');
  });
});

describe('toQueryString', () => {
  it('should sort the names and escape the characters encodeURIComponent leaves alone', () => {
    expect(toQueryString({ 'x-id': 'GetObject', prefix: "a b/(c)!'*", delimiter: '/' })).toBe(
      '?delimiter=%2F&prefix=a%20b%2F%28c%29%21%27%2A&x-id=GetObject',
    );
  });

  it('should write a name without a value when the value is null, and repeat a name for each array item', () => {
    expect(toQueryString({ versions: null, tag: ['b', 'a'] })).toBe('?tag=b&tag=a&versions');
  });

  it('should return an empty string when there is no query', () => {
    expect(toQueryString({})).toBe('');
    expect(toQueryString(undefined)).toBe('');
  });
});

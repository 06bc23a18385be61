import {
  AuthErrorCode,
  AuthException,
  createS3Client,
  parseS3Endpoint,
  parseS3Location,
  resolveLocation,
  type ConnectionAccessRequest,
  type S3Credentials,
  type S3Endpoint,
  type S3Location,
} from '@s3c/auth';
import type { ConnectionAuthDescriptor, ConnectionSecretsPlaintext } from '@s3c/contracts';
import type { PlatformAws } from '../aws/platform-aws';

/** Where a connection's requests go: its URL, or AWS (or the configured AWS-compatible endpoint) for IAM roles. */
export function connectionBase(auth: ConnectionAuthDescriptor, aws: PlatformAws): S3Endpoint | S3Location {
  if (auth.method === 'iam_role') {
    return aws.iamRoleEndpoint
      ? { ...parseS3Endpoint(aws.iamRoleEndpoint), region: auth.region }
      : { endpoint: undefined, region: auth.region, forcePathStyle: false, provider: 'aws' };
  }
  if (!auth.url) {
    throw new AuthException(AuthErrorCode.INVALID_S3_URL, 'The connection has no URL.');
  }
  try {
    return parseS3Location(auth.url);
  } catch {
    return parseS3Endpoint(auth.url);
  }
}

export function locationOf(auth: ConnectionAuthDescriptor, aws: PlatformAws, relative = ''): S3Location {
  return resolveLocation(connectionBase(auth, aws), relative);
}

/** What libs/auth needs to validate a connection, from its descriptor and its (decrypted) secrets. */
export function accessRequestOf(
  connectionId: string,
  auth: ConnectionAuthDescriptor,
  secrets: ConnectionSecretsPlaintext,
  aws: PlatformAws,
): ConnectionAccessRequest {
  switch (auth.method) {
    case 'iam_role':
      return { method: 'iam_role', connectionId, region: auth.region, externalId: auth.externalId ?? '', roleArn: auth.roleArn ?? null };
    case 'sigv4':
      if (!auth.accessKey || !secrets.secretAccessKey) {
        throw new AuthException(AuthErrorCode.CREDENTIALS_REQUIRED, 'The connection has no stored secret access key: update it with access_key and secret_access_key.');
      }
      return {
        method: 'sigv4',
        region: auth.region,
        location: locationOf(auth, aws),
        accessKey: auth.accessKey,
        secretAccessKey: secrets.secretAccessKey,
        headers: secrets.headers,
      };
    case 'anonymous':
      return { method: 'anonymous', region: auth.region, location: locationOf(auth, aws), headers: secrets.headers };
  }
}

/** A tenant S3 client: through the egress guard, checksums only when required, short timeouts for probes. */
export function tenantS3Client(
  aws: PlatformAws,
  request: { location: S3Endpoint; region: string; credentials: S3Credentials; headers?: Readonly<Record<string, string>> },
  maxAttempts = 2,
) {
  return createS3Client({
    ...request,
    egressGuard: aws.egressGuard,
    maxAttempts,
    requestTimeoutMs: 15_000,
  });
}

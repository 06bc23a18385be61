import { AccessDenied, NoSuchBucket, NoSuchKey, NotFound } from '@aws-sdk/client-s3';
import { ExpiredTokenException, RegionDisabledException } from '@aws-sdk/client-sts';
import { AccessProblem, AuthErrorCode, AuthException, toAccessProblem } from './auth.exception';
import { S3Location } from './s3-location.types';

export const ROLE_NOT_ASSUMABLE_MESSAGE =
  'ODS AWS account is not authorized to assume the role identified by role_arn';

export type DiagnosisOperation = 'probe' | 'assumeRole' | 'callerIdentity';

export interface DiagnosisContext {
  operation: DiagnosisOperation;
  /** The location probed, for messages. */
  location?: Pick<S3Location, 'bucket' | 'key'> & Partial<Pick<S3Location, 'endpoint'>>;
  /** The region requests were signed for. */
  region?: string;
  roleArn?: string;
  externalId?: string;
  odsAwsAccountId?: string;
  /** The principal the tenant's trust policy must name. */
  principalArn?: string;
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  Region?: string;
  hostname?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  cause?: unknown;
  errors?: unknown[];
}

const UNREACHABLE_CODES: Readonly<Record<string, { why: string; retryable: boolean }>> = {
  ECONNREFUSED: { why: 'the connection was refused', retryable: false },
  ENOTFOUND: { why: 'the host name does not resolve', retryable: false },
  EAI_AGAIN: { why: 'the host name could not be resolved for now', retryable: true },
  ETIMEDOUT: { why: 'the connection timed out', retryable: true },
  ECONNRESET: { why: 'the connection was reset', retryable: true },
  EHOSTUNREACH: { why: 'the host is unreachable', retryable: true },
  ENETUNREACH: { why: 'the network is unreachable', retryable: true },
  EPIPE: { why: 'the connection was closed', retryable: true },
};

const TLS_CODES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate cannot be verified (incomplete chain?)',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of its certificate is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of its certificate is not a trusted authority',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  CERT_REVOKED: 'its certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not match the host name',
  EPROTO: 'the TLS handshake failed (is the port serving plain http?)',
};

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);

const EXPIRED_CODES = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const WRONG_REGION_CODES = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
  'IncorrectEndpoint',
]);
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'Forbidden',
]);

function asShape(value: unknown): AwsErrorShape | undefined {
  return typeof value === 'object' && value !== null ? (value as AwsErrorShape) : undefined;
}

/** The error and its causes (SDK and socket errors may wrap the one that says what happened). */
function errorChain(error: unknown): AwsErrorShape[] {
  const chain: AwsErrorShape[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 8) {
    const shape = asShape(queue.shift());
    if (shape === undefined || chain.includes(shape)) {
      continue;
    }
    chain.push(shape);
    queue.push(shape.cause, ...(Array.isArray(shape.errors) ? shape.errors : []));
  }
  return chain;
}

function describe(location: DiagnosisContext['location']): string {
  if (location === undefined) {
    return 'the location';
  }
  return location.key === undefined ? `bucket ${location.bucket}` : `s3://${location.bucket}/${location.key}`;
}

function hostOf(context: DiagnosisContext, shape: AwsErrorShape | undefined): string {
  if (shape?.hostname) {
    return shape.hostname;
  }
  if (context.location?.endpoint) {
    try {
      return new URL(context.location.endpoint).host;
    } catch {
      return 'the S3 endpoint';
    }
  }
  return 'the S3 endpoint';
}

function problem(
  code: AuthErrorCode,
  message: string,
  hint: string | undefined,
  retryable = false,
): AccessProblem {
  return { code, message, ...(hint === undefined ? {} : { hint }), retryable };
}

/** The bucket's region, which S3 reports in a header even on HEAD errors (that have no body). */
export function bucketRegionOf(error: unknown): string | undefined {
  for (const shape of errorChain(error)) {
    const header = shape.$response?.headers?.['x-amz-bucket-region'];
    if (header) {
      return header;
    }
    if (typeof shape.Region === 'string' && shape.Region !== '') {
      return shape.Region;
    }
  }
  return undefined;
}

export function roleNotAssumable(
  context: Pick<DiagnosisContext, 'roleArn' | 'externalId' | 'odsAwsAccountId' | 'principalArn'>,
): AccessProblem {
  const principal =
    context.principalArn ??
    (context.odsAwsAccountId ? `arn:aws:iam::${context.odsAwsAccountId}:root` : 'the ODS AWS account');
  const account = context.odsAwsAccountId ? ` (ODS AWS account ${context.odsAwsAccountId})` : '';
  return problem(
    AuthErrorCode.ROLE_NOT_ASSUMABLE,
    ROLE_NOT_ASSUMABLE_MESSAGE,
    `Check that role_arn${context.roleArn ? ` ${context.roleArn}` : ''} is correct and that the role's trust policy allows ${principal}${account} ` +
      `to perform sts:AssumeRole with the condition "StringEquals": {"sts:ExternalId": "${context.externalId ?? '<external_id>'}"}.`,
  );
}

function wrongRegion(context: DiagnosisContext, bucketRegion: string | undefined): AccessProblem {
  const where = describe(context.location);
  if (bucketRegion === undefined) {
    return problem(
      AuthErrorCode.WRONG_REGION,
      `${where} is not in region ${context.region ?? 'configured'}.`,
      "Set the region of the bucket on the connection (the bucket's properties show it).",
    );
  }
  return problem(
    AuthErrorCode.WRONG_REGION,
    `${where} is in region ${bucketRegion}, not ${context.region ?? 'the configured region'}.`,
    `Set the region to ${bucketRegion}${context.location ? ` (or use https://${context.location.bucket}.s3.${bucketRegion}.amazonaws.com/)` : ''}.`,
  );
}

function noSuchBucket(context: DiagnosisContext): AccessProblem {
  const bucket = context.location === undefined ? 'The bucket' : `The bucket ${context.location.bucket}`;
  return problem(
    AuthErrorCode.NO_SUCH_BUCKET,
    `${bucket} does not exist.`,
    'Check the bucket name in the URL, and the endpoint.',
  );
}

function diagnoseNetwork(chain: AwsErrorShape[], context: DiagnosisContext): AccessProblem | undefined {
  for (const shape of chain) {
    const code = shape.code ?? '';
    const host = hostOf(context, shape);
    if (code in UNREACHABLE_CODES) {
      const { why, retryable } = UNREACHABLE_CODES[code];
      return problem(
        AuthErrorCode.ENDPOINT_UNREACHABLE,
        `${host} could not be reached: ${why}.`,
        'Check the host and port of the URL, and that the service accepts connections from the internet.',
        retryable,
      );
    }
    if (code in TLS_CODES || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
      return problem(
        AuthErrorCode.TLS_FAILURE,
        `The secure connection to ${host} failed: ${TLS_CODES[code] ?? 'the TLS handshake failed'}.`,
        'The endpoint must present a valid certificate, issued by a public authority, for its host name.',
      );
    }
    if (shape.name === 'TimeoutError' && shape.$metadata === undefined) {
      return problem(
        AuthErrorCode.ENDPOINT_UNREACHABLE,
        `${host} did not answer in time.`,
        'Check that the endpoint is up and reachable; try again later.',
        true,
      );
    }
  }
  return undefined;
}

function diagnoseService(shape: AwsErrorShape, error: unknown, context: DiagnosisContext): AccessProblem {
  const code = shape.Code ?? shape.name ?? 'Unknown';
  const status = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
  const where = describe(context.location);
  const sts = context.operation !== 'probe';

  if (context.operation === 'probe') {
    const bucketRegion = bucketRegionOf(error);
    const regionDiffers =
      bucketRegion !== undefined && context.region !== undefined && bucketRegion !== context.region;
    if (WRONG_REGION_CODES.has(code) || status === 301 || regionDiffers) {
      return wrongRegion(context, bucketRegion);
    }
  }
  if (EXPIRED_CODES.has(code) || error instanceof ExpiredTokenException) {
    return problem(
      AuthErrorCode.CREDENTIALS_EXPIRED,
      'The temporary credentials have expired.',
      'New credentials are obtained automatically; try again.',
      true,
    );
  }
  if (THROTTLING_CODES.has(code) || status === 429 || shape.$retryable?.throttling === true) {
    return problem(AuthErrorCode.THROTTLED, 'AWS is throttling requests.', 'Try again in a moment.', true);
  }
  if (error instanceof RegionDisabledException || code === 'RegionDisabledException') {
    return problem(
      AuthErrorCode.AWS_ERROR,
      'STS is not activated in the region the platform called.',
      'This is a platform configuration problem: activate STS in that region or use another STS region.',
    );
  }
  if (code === 'InvalidAccessKeyId' || code === 'InvalidClientTokenId') {
    return sts
      ? problem(
          AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
          "The platform's AWS credentials were refused by STS.",
          "This is a platform configuration problem, not the connection's.",
        )
      : problem(
          AuthErrorCode.INVALID_ACCESS_KEY,
          'The access key is not known to the S3 service.',
          'Check access_key: it must be an active access key of the account or provider that holds the bucket.',
        );
  }
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature') {
    return sts
      ? problem(
          AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
          "The platform's AWS credentials were refused by STS.",
          "This is a platform configuration problem, not the connection's.",
        )
      : problem(
          AuthErrorCode.SIGNATURE_MISMATCH,
          'The request signature does not match: the secret access key does not belong to this access key.',
          'Enter secret_access_key again. Also check that no proxy rewrites the custom headers.',
        );
  }
  if (ACCESS_DENIED_CODES.has(code) || error instanceof AccessDenied || status === 403) {
    if (context.operation === 'assumeRole') {
      return roleNotAssumable(context);
    }
    if (context.operation === 'callerIdentity') {
      return problem(
        AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
        "The platform's AWS identity was refused by STS.",
        "This is a platform configuration problem, not the connection's.",
      );
    }
    const objectHint = context.location?.key !== undefined && !context.location.key.endsWith('/');
    return problem(
      AuthErrorCode.ACCESS_DENIED,
      `Access to ${where} was denied.`,
      objectHint
        ? `Grant s3:GetObject on arn:aws:s3:::${context.location?.bucket}/${context.location?.key}. Without s3:ListBucket, S3 also answers "denied" for a file that does not exist: check the file name.`
        : `Grant s3:ListBucket on arn:aws:s3:::${context.location?.bucket ?? '<bucket>'} and s3:GetObject on the objects to read.`,
    );
  }
  if (error instanceof NoSuchBucket || code === 'NoSuchBucket') {
    return noSuchBucket(context);
  }
  if (error instanceof NoSuchKey || code === 'NoSuchKey') {
    return problem(
      AuthErrorCode.NO_SUCH_KEY,
      `${where} does not exist.`,
      'Check the file name and its folder: keys are case-sensitive.',
    );
  }
  if (error instanceof NotFound || code === 'NotFound' || status === 404) {
    // HEAD answers carry no body: 404 alone cannot say whether the bucket or the key is missing.
    return context.location?.key === undefined
      ? noSuchBucket(context)
      : problem(
          AuthErrorCode.NO_SUCH_KEY,
          `${where} was not found.`,
          'Check the bucket and the file name: keys are case-sensitive.',
        );
  }
  if (code === 'InvalidBucketName') {
    return problem(
      AuthErrorCode.INVALID_BUCKET_NAME,
      'The S3 service refused the bucket name.',
      'Check the bucket name in the URL.',
    );
  }
  if (code === 'ValidationError' && /durationseconds|maxsessionduration/i.test(shape.message ?? '')) {
    return problem(
      AuthErrorCode.INVALID_SESSION_DURATION,
      "The session duration the platform asked for exceeds the role's maximum session duration.",
      "Raise the role's maximum session duration to at least one hour, or lower the platform's session duration.",
    );
  }
  if (code === 'ValidationError' && /rolearn/i.test(shape.message ?? '')) {
    return problem(
      AuthErrorCode.INVALID_ROLE_ARN,
      'STS refused role_arn as malformed.',
      "Copy the ARN from the role's page in the IAM console.",
    );
  }
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) {
    return problem(
      AuthErrorCode.SERVICE_UNAVAILABLE,
      `The AWS service failed (${code}${status ? `, HTTP ${status}` : ''}).`,
      'Try again later.',
      true,
    );
  }
  return problem(
    AuthErrorCode.AWS_ERROR,
    `The AWS service answered ${code}${status ? ` (HTTP ${status})` : ''}.`,
    code === 'RequestTimeTooSkewed' ? "The platform's clock is off; this is a platform problem." : undefined,
  );
}

/**
 * Turns anything an AWS call threw into a coded, user-facing problem. Messages are built from
 * codes and the context only — never from credentials, and never from the raw error text.
 */
export function diagnoseAwsError(error: unknown, context: DiagnosisContext): AccessProblem {
  const chain = errorChain(error);
  const authException = chain.find(
    (shape): shape is AuthException & AwsErrorShape => shape instanceof AuthException,
  );
  if (authException !== undefined) {
    return toAccessProblem(authException);
  }
  const service = chain.find(
    (shape) => shape.$metadata !== undefined && shape.$metadata.httpStatusCode !== undefined,
  );
  if (service !== undefined) {
    return diagnoseService(service, error, context);
  }
  const network = diagnoseNetwork(chain, context);
  if (network !== undefined) {
    return network;
  }
  if (chain[0]?.$metadata !== undefined || chain[0]?.$fault !== undefined) {
    return diagnoseService(chain[0], error, context);
  }
  return problem(
    AuthErrorCode.UNEXPECTED_ERROR,
    `An unexpected error occurred${chain[0]?.name ? ` (${chain[0].name})` : ''}.`,
    undefined,
  );
}

import { NoSuchBucket, NoSuchKey, NotFound } from '@aws-sdk/client-s3';
import { ExpiredTokenException } from '@aws-sdk/client-sts';
import { AuthErrorCode, AuthException } from './auth.exception';
import {
  bucketRegionOf,
  diagnoseAwsError,
  DiagnosisContext,
  ROLE_NOT_ASSUMABLE_MESSAGE,
} from './aws-error.diagnosis';
import { s3Error, s3HeadError, stsError } from './testing/fake-aws';

const $metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 });
const headError = s3HeadError;

function socketError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

const probe: DiagnosisContext = {
  operation: 'probe',
  region: 'eu-west-3',
  location: { bucket: 'mybucket', key: 'data/test.csv' },
};
const probeBucket: DiagnosisContext = {
  operation: 'probe',
  region: 'eu-west-3',
  location: { bucket: 'mybucket', key: undefined },
};
const assume: DiagnosisContext = {
  operation: 'assumeRole',
  roleArn: 'arn:aws:iam::061258320951:role/ODSRole',
  externalId: 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
  odsAwsAccountId: '000000000000',
  principalArn: 'arn:aws:iam::000000000000:user/ods-platform',
};

describe('diagnoseAwsError', () => {
  it.each([
    // S3 probe answers with a body
    [
      'InvalidAccessKeyId',
      s3Error('InvalidAccessKeyId', 403),
      probe,
      AuthErrorCode.INVALID_ACCESS_KEY,
      false,
    ],
    [
      'SignatureDoesNotMatch',
      s3Error('SignatureDoesNotMatch', 403),
      probe,
      AuthErrorCode.SIGNATURE_MISMATCH,
      false,
    ],
    ['AccessDenied', s3Error('AccessDenied', 403), probe, AuthErrorCode.ACCESS_DENIED, false],
    ['AllAccessDisabled', s3Error('AllAccessDisabled', 403), probe, AuthErrorCode.ACCESS_DENIED, false],
    [
      'modelled NoSuchBucket',
      new NoSuchBucket({ message: 'x', $metadata: $metadata(404) }),
      probe,
      AuthErrorCode.NO_SUCH_BUCKET,
      false,
    ],
    [
      'modelled NoSuchKey',
      new NoSuchKey({ message: 'x', $metadata: $metadata(404) }),
      probe,
      AuthErrorCode.NO_SUCH_KEY,
      false,
    ],
    [
      'PermanentRedirect',
      s3Error('PermanentRedirect', 301, { Endpoint: 'mybucket.s3.eu-west-1.amazonaws.com' }),
      probe,
      AuthErrorCode.WRONG_REGION,
      false,
    ],
    [
      'AuthorizationHeaderMalformed',
      s3Error('AuthorizationHeaderMalformed', 400, { Region: 'eu-west-1' }),
      probe,
      AuthErrorCode.WRONG_REGION,
      false,
    ],
    ['SlowDown', s3Error('SlowDown', 503), probe, AuthErrorCode.THROTTLED, true],
    ['InternalError', s3Error('InternalError', 500), probe, AuthErrorCode.SERVICE_UNAVAILABLE, true],
    ['ExpiredToken', s3Error('ExpiredToken', 400), probe, AuthErrorCode.CREDENTIALS_EXPIRED, true],
    ['InvalidBucketName', s3Error('InvalidBucketName', 400), probe, AuthErrorCode.INVALID_BUCKET_NAME, false],
    [
      'an unknown S3 code',
      s3Error('RequestTimeTooSkewed', 403, { $metadata: $metadata(400) }),
      probe,
      AuthErrorCode.AWS_ERROR,
      false,
    ],
    // HEAD answers without a body
    [
      'HEAD 404 on a file',
      new NotFound({ message: 'UnknownError', $metadata: $metadata(404) }),
      probe,
      AuthErrorCode.NO_SUCH_KEY,
      false,
    ],
    ['HEAD 404 on a bucket', headError(404), probeBucket, AuthErrorCode.NO_SUCH_BUCKET, false],
    [
      'HEAD 403 in the right region',
      headError(403, { 'x-amz-bucket-region': 'eu-west-3' }),
      probe,
      AuthErrorCode.ACCESS_DENIED,
      false,
    ],
    [
      'HEAD 403 from another region',
      headError(403, { 'x-amz-bucket-region': 'us-east-1' }),
      probe,
      AuthErrorCode.WRONG_REGION,
      false,
    ],
    [
      'HEAD 301',
      headError(301, { 'x-amz-bucket-region': 'ap-south-1' }),
      probe,
      AuthErrorCode.WRONG_REGION,
      false,
    ],
    [
      'HEAD 400 from another region',
      headError(400, { 'x-amz-bucket-region': 'us-west-2' }),
      probe,
      AuthErrorCode.WRONG_REGION,
      false,
    ],
    // STS
    [
      'AccessDenied on AssumeRole',
      stsError('AccessDenied', 403),
      assume,
      AuthErrorCode.ROLE_NOT_ASSUMABLE,
      false,
    ],
    [
      'ExpiredTokenException',
      new ExpiredTokenException({ message: 'x', $metadata: $metadata(400) }),
      assume,
      AuthErrorCode.CREDENTIALS_EXPIRED,
      true,
    ],
    ['Throttling on AssumeRole', stsError('Throttling', 400), assume, AuthErrorCode.THROTTLED, true],
    [
      'InvalidClientTokenId on AssumeRole',
      stsError('InvalidClientTokenId', 403),
      assume,
      AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
      false,
    ],
    [
      'SignatureDoesNotMatch on GetCallerIdentity',
      stsError('SignatureDoesNotMatch', 403),
      { operation: 'callerIdentity' },
      AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
      false,
    ],
    [
      'RegionDisabledException',
      stsError('RegionDisabledException', 403),
      assume,
      AuthErrorCode.AWS_ERROR,
      false,
    ],
    [
      'a too long session',
      Object.assign(stsError('ValidationError', 400), {
        message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      }),
      assume,
      AuthErrorCode.INVALID_SESSION_DURATION,
      false,
    ],
    // Sockets and TLS
    ['ECONNREFUSED', socketError('ECONNREFUSED'), probe, AuthErrorCode.ENDPOINT_UNREACHABLE, false],
    ['ENOTFOUND', socketError('ENOTFOUND'), probe, AuthErrorCode.ENDPOINT_UNREACHABLE, false],
    ['ETIMEDOUT', socketError('ETIMEDOUT'), probe, AuthErrorCode.ENDPOINT_UNREACHABLE, true],
    ['EAI_AGAIN', socketError('EAI_AGAIN'), probe, AuthErrorCode.ENDPOINT_UNREACHABLE, true],
    [
      'an SDK TimeoutError',
      Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
      probe,
      AuthErrorCode.ENDPOINT_UNREACHABLE,
      true,
    ],
    [
      'a cause chain',
      new Error('wrapped', { cause: socketError('ECONNRESET') }),
      probe,
      AuthErrorCode.ENDPOINT_UNREACHABLE,
      true,
    ],
    [
      'an AggregateError',
      Object.assign(new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]), {
        code: 'ECONNREFUSED',
      }),
      probe,
      AuthErrorCode.ENDPOINT_UNREACHABLE,
      false,
    ],
    [
      'a network error with SDK metadata',
      Object.assign(socketError('ECONNREFUSED'), { $metadata: { attempts: 2, totalRetryDelay: 100 } }),
      probe,
      AuthErrorCode.ENDPOINT_UNREACHABLE,
      false,
    ],
    ['CERT_HAS_EXPIRED', socketError('CERT_HAS_EXPIRED'), probe, AuthErrorCode.TLS_FAILURE, false],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      socketError('DEPTH_ZERO_SELF_SIGNED_CERT'),
      probe,
      AuthErrorCode.TLS_FAILURE,
      false,
    ],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      probe,
      AuthErrorCode.TLS_FAILURE,
      false,
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      socketError('ERR_TLS_CERT_ALTNAME_INVALID'),
      probe,
      AuthErrorCode.TLS_FAILURE,
      false,
    ],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      socketError('ERR_SSL_WRONG_VERSION_NUMBER'),
      probe,
      AuthErrorCode.TLS_FAILURE,
      false,
    ],
    // Ours and the rest
    [
      'the egress guard',
      new AuthException(AuthErrorCode.EGRESS_DENIED, 'Connections to 10.0.0.1 are not allowed.'),
      probe,
      AuthErrorCode.EGRESS_DENIED,
      false,
    ],
    [
      'the egress guard under a cause',
      new Error('request failed', { cause: new AuthException(AuthErrorCode.EGRESS_DENIED, 'denied') }),
      probe,
      AuthErrorCode.EGRESS_DENIED,
      false,
    ],
    [
      'a programming error',
      new TypeError('x is not a function'),
      probe,
      AuthErrorCode.UNEXPECTED_ERROR,
      false,
    ],
    ['a thrown string', 'boom', probe, AuthErrorCode.UNEXPECTED_ERROR, false],
  ] as [string, unknown, DiagnosisContext, AuthErrorCode, boolean][])(
    'should diagnose %s',
    (_label, error, context, code, retryable) => {
      // Act
      const problem = diagnoseAwsError(error, context);

      // Assert
      expect([problem.code, problem.retryable]).toEqual([code, retryable]);
    },
  );

  it('should give the exact message and a hint naming account, external ID and trust policy when the role is refused', () => {
    // Act
    const problem = diagnoseAwsError(stsError('AccessDenied', 403), assume);

    // Assert
    expect([
      problem.message,
      problem.hint?.includes('000000000000'),
      problem.hint?.includes('ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c'),
      problem.hint?.includes('trust policy'),
    ]).toEqual([ROLE_NOT_ASSUMABLE_MESSAGE, true, true, true]);
  });

  it('should offer the bucket region read from the HEAD response header when the region is wrong', () => {
    // Act
    const problem = diagnoseAwsError(headError(301, { 'x-amz-bucket-region': 'ap-south-1' }), probe);

    // Assert
    expect([problem.code, problem.hint?.includes('ap-south-1')]).toEqual([AuthErrorCode.WRONG_REGION, true]);
  });

  it('should never copy the raw AWS message, which could echo request details', () => {
    // Arrange
    const error = s3Error('WeirdError', 400, { message: 'canonical request includes SECRET-VALUE' });

    // Act
    const problem = diagnoseAwsError(error, probe);

    // Assert
    expect(JSON.stringify(problem).includes('SECRET-VALUE')).toBe(false);
  });
});

describe('bucketRegionOf', () => {
  it.each([
    ['a HEAD header', headError(301, { 'x-amz-bucket-region': 'eu-west-1' }), 'eu-west-1'],
    [
      'an XML Region field',
      s3Error('AuthorizationHeaderMalformed', 400, { Region: 'us-west-2' }),
      'us-west-2',
    ],
    ['an error without either', s3Error('AccessDenied', 403), undefined],
  ])('should read the bucket region from %s', (_label, error, region) => {
    // Act / Assert
    expect(bucketRegionOf(error)).toBe(region);
  });
});

import { AuthErrorCode, AuthException } from './auth.exception';
import { ROLE_NOT_ASSUMABLE_MESSAGE } from './aws-error.diagnosis';
import {
  ConnectionAccessDependencies,
  ConnectionAccessRequest,
  S3ClientRequest,
  validateConnectionAccess,
} from './connection-access.validator';
import { PlatformIdentityInfo } from './platform-identity';
import { S3ClientLike } from './s3-client.factory';
import { parseS3Location } from './s3-location.parser';
import { StsClientLike } from './sts.types';
import { assumeRoleOutput, FakeAnswer, fakeClient, s3Error, s3HeadError, stsError } from './testing/fake-aws';

const ROLE_ARN = 'arn:aws:iam::061258320951:role/ODSRoleAuthMyDomain';
const EXTERNAL_ID = 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c';
const CONNECTION_ID = '5b0c7d1e-0d59-4c35-9a4b-0f2f4c1f6f10';
const IDENTITY: PlatformIdentityInfo = {
  accountId: '000000000000',
  arn: 'arn:aws:iam::000000000000:user/ods-platform',
  principalArn: 'arn:aws:iam::000000000000:user/ods-platform',
};
const FILE = parseS3Location('https://mybucket.s3.eu-west-3.amazonaws.com/test.csv');
const OVH_FILE = parseS3Location('https://waterbucket.s3.bhs.io.cloud.ovh.net/fruits.csv');
const ALLOWED = assumeRoleOutput(new Date('2030-01-01T00:00:00Z'));
const DENIED = stsError('AccessDenied', 403);
const HEAD_OK = {
  ContentLength: 17,
  ETag: '"e"',
  LastModified: new Date('2025-01-01T00:00:00Z'),
  ContentType: 'text/csv',
};

function iamRole(
  overrides: Partial<Extract<ConnectionAccessRequest, { method: 'iam_role' }>> = {},
): ConnectionAccessRequest {
  return {
    method: 'iam_role',
    connectionId: CONNECTION_ID,
    region: 'eu-west-3',
    externalId: EXTERNAL_ID,
    roleArn: ROLE_ARN,
    ...overrides,
  };
}

function setup(
  stsAnswers: FakeAnswer[],
  s3Answers: Record<string, FakeAnswer[]> = {},
  overrides: Partial<ConnectionAccessDependencies> = {},
) {
  const sts = fakeClient({ AssumeRoleCommand: stsAnswers });
  const s3 = fakeClient(s3Answers);
  const clientRequests: S3ClientRequest[] = [];
  let destroyed = 0;
  const dependencies: ConnectionAccessDependencies = {
    sts: sts as unknown as StsClientLike,
    platformIdentity: { get: async () => IDENTITY },
    createS3Client: (request) => {
      clientRequests.push(request);
      return Object.assign(s3 as unknown as S3ClientLike, { destroy: () => (destroyed += 1) });
    },
    ...overrides,
  };
  return { dependencies, sts, s3, clientRequests, destroyed: () => destroyed };
}

describe('validateConnectionAccess for IAM roles', () => {
  it.each([
    ['no role ARN', undefined],
    ['an empty role ARN', '  '],
    ['a null role ARN', null],
  ])(
    'should answer ROLE_ARN_MISSING with the trust policy to create when there is %s',
    async (_label, roleArn) => {
      // Arrange
      const { dependencies, sts } = setup([]);

      // Act
      const result = await validateConnectionAccess(iamRole({ roleArn }), dependencies);

      // Assert
      expect([
        result.status === 'invalid' && result.reason.code,
        result.status === 'invalid' && result.reason.hint?.includes(EXTERNAL_ID),
        sts.calls.length,
      ]).toEqual([AuthErrorCode.ROLE_ARN_MISSING, true, 0]);
    },
  );

  it('should answer INVALID_REGION without calling STS when the region is not an AWS region', async () => {
    // Arrange
    const { dependencies, sts } = setup([]);

    // Act
    const result = await validateConnectionAccess(iamRole({ region: 'gra' }), dependencies);

    // Assert
    expect([result.status === 'invalid' && result.reason.code, sts.calls.length]).toEqual([
      AuthErrorCode.INVALID_REGION,
      0,
    ]);
  });

  it('should answer INVALID_ROLE_ARN without calling STS when the ARN is malformed', async () => {
    // Arrange
    const { dependencies, sts } = setup([]);

    // Act
    const result = await validateConnectionAccess(
      iamRole({ roleArn: 'arn:aws:iam::061258320951:user/alice' }),
      dependencies,
    );

    // Assert
    expect([result.status === 'invalid' && result.reason.code, sts.calls.length]).toEqual([
      AuthErrorCode.INVALID_ROLE_ARN,
      0,
    ]);
  });

  it('should answer ROLE_NOT_ASSUMABLE with the exact message when the role refuses the platform', async () => {
    // Arrange
    const { dependencies } = setup([DENIED]);

    // Act
    const result = await validateConnectionAccess(iamRole(), dependencies);

    // Assert
    expect(result).toEqual({
      status: 'invalid',
      reason: expect.objectContaining({
        code: AuthErrorCode.ROLE_NOT_ASSUMABLE,
        message: ROLE_NOT_ASSUMABLE_MESSAGE,
      }),
    });
  });

  it("should answer EXTERNAL_ID_NOT_ENFORCED with the condition to add when the role can be assumed with another tenant's external ID", async () => {
    // Arrange
    const { dependencies, sts } = setup([ALLOWED, ALLOWED]);

    // Act
    const result = await validateConnectionAccess(iamRole(), dependencies);

    // Assert
    expect([
      result.status === 'invalid' && result.reason.code,
      result.status === 'invalid' && result.reason.hint?.includes(`"sts:ExternalId":"${EXTERNAL_ID}"`),
      sts.calls.map((call) => call.input.ExternalId),
    ]).toEqual([AuthErrorCode.EXTERNAL_ID_NOT_ENFORCED, true, [EXTERNAL_ID, expect.stringMatching(/^ods-decoy-[0-9a-f-]{36}$/)]]);
  });

  it('should be valid when the role needs the external ID and no location is known', async () => {
    // Arrange
    const { dependencies, sts } = setup([ALLOWED, DENIED]);

    // Act
    const result = await validateConnectionAccess(iamRole(), dependencies);

    // Assert
    expect([result, sts.calls.map((call) => call.input.RoleSessionName)]).toEqual([
      { status: 'valid' },
      [`ods-${CONNECTION_ID}`, `ods-${CONNECTION_ID}`],
    ]);
  });

  it('should not conclude when the check with a decoy external ID fails for another reason', async () => {
    // Arrange
    const { dependencies } = setup([ALLOWED, stsError('Throttling', 400)]);

    // Act
    const result = await validateConnectionAccess(iamRole(), dependencies);

    // Assert
    expect(result.status === 'invalid' && [result.reason.code, result.reason.retryable]).toEqual([
      AuthErrorCode.THROTTLED,
      true,
    ]);
  });

  it('should probe the location with the temporary credentials when a location is known', async () => {
    // Arrange
    const { dependencies, clientRequests, destroyed } = setup([ALLOWED, DENIED], {
      HeadObjectCommand: [HEAD_OK],
    });

    // Act
    const result = await validateConnectionAccess(iamRole({ location: FILE }), dependencies);

    // Assert
    expect([result, clientRequests[0].credentials, destroyed()]).toEqual([
      {
        status: 'valid',
        object: { size: 17, etag: '"e"', lastModified: HEAD_OK.LastModified, contentType: 'text/csv' },
      },
      {
        kind: 'session',
        accessKeyId: 'ASIATEMP1',
        secretAccessKey: 'secret-1',
        sessionToken: 'token-1',
        expiration: new Date('2030-01-01T00:00:00Z'),
      },
      1,
    ]);
  });

  it('should report what the role cannot read when the probe is denied', async () => {
    // Arrange
    const { dependencies } = setup([ALLOWED, DENIED], {
      HeadObjectCommand: [s3HeadError(403)],
      GetObjectCommand: [s3Error('AccessDenied', 403)],
    });

    // Act
    const result = await validateConnectionAccess(iamRole({ location: FILE }), dependencies);

    // Assert
    expect(result.status === 'invalid' && result.reason.code).toBe(AuthErrorCode.ACCESS_DENIED);
  });

  it('should report the platform problem when its identity cannot be read', async () => {
    // Arrange
    const { dependencies } = setup(
      [],
      {},
      { platformIdentity: { get: async () => Promise.reject(stsError('InvalidClientTokenId', 403)) } },
    );

    // Act
    const result = await validateConnectionAccess(iamRole(), dependencies);

    // Assert
    expect(result.status === 'invalid' && result.reason.code).toBe(
      AuthErrorCode.PLATFORM_CREDENTIALS_INVALID,
    );
  });
});

describe('validateConnectionAccess for signature v4 and anonymous access', () => {
  const sigv4 = (
    overrides: Partial<Extract<ConnectionAccessRequest, { method: 'sigv4' }>> = {},
  ): ConnectionAccessRequest => ({
    method: 'sigv4',
    region: 'bhs',
    location: OVH_FILE,
    accessKey: 'AKIAOVH',
    secretAccessKey: 'ovh-secret',
    headers: { 'x-custom': 'v' },
    ...overrides,
  });

  it('should probe with the static keys and headers and return the file metadata when readable', async () => {
    // Arrange
    const { dependencies, clientRequests } = setup([], { HeadObjectCommand: [HEAD_OK] });

    // Act
    const result = await validateConnectionAccess(sigv4(), dependencies);

    // Assert
    expect([result.status, clientRequests[0]]).toEqual([
      'valid',
      {
        location: OVH_FILE,
        region: 'bhs',
        credentials: { kind: 'static', accessKeyId: 'AKIAOVH', secretAccessKey: 'ovh-secret' },
        headers: { 'x-custom': 'v' },
      },
    ]);
  });

  it.each([
    ['a bad access key', s3Error('InvalidAccessKeyId', 403), AuthErrorCode.INVALID_ACCESS_KEY],
    ['a bad secret', s3Error('SignatureDoesNotMatch', 403), AuthErrorCode.SIGNATURE_MISMATCH],
    ['a missing file', s3Error('NoSuchKey', 404), AuthErrorCode.NO_SUCH_KEY],
  ])('should report %s', async (_label, getError, code) => {
    // Arrange
    const { dependencies } = setup([], {
      HeadObjectCommand: [s3HeadError(getError.$metadata.httpStatusCode ?? 400)],
      GetObjectCommand: [getError],
    });

    // Act
    const result = await validateConnectionAccess(sigv4(), dependencies);

    // Assert
    expect(result.status === 'invalid' && result.reason.code).toBe(code);
  });

  it('should answer REGION_MISMATCH without a request when the region contradicts the host', async () => {
    // Arrange
    const { dependencies, clientRequests } = setup([]);

    // Act
    const result = await validateConnectionAccess(sigv4({ region: 'gra' }), dependencies);

    // Assert
    expect([result.status === 'invalid' && result.reason.code, clientRequests.length]).toEqual([
      AuthErrorCode.REGION_MISMATCH,
      0,
    ]);
  });

  it('should turn a refusal of the client factory into an invalid result', async () => {
    // Arrange
    const { dependencies } = setup(
      [],
      {},
      {
        createS3Client: () => {
          throw new AuthException(AuthErrorCode.EGRESS_DENIED, 'Connections to 10.0.0.1 are not allowed.');
        },
      },
    );

    // Act
    const result = await validateConnectionAccess(sigv4(), dependencies);

    // Assert
    expect(result.status === 'invalid' && result.reason.code).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should probe anonymously when the bucket is public', async () => {
    // Arrange
    const { dependencies, clientRequests } = setup([], { ListObjectsV2Command: [{ KeyCount: 1 }] });

    // Act
    const result = await validateConnectionAccess(
      {
        method: 'anonymous',
        region: 'eu-west-3',
        location: parseS3Location('https://open-data.s3.eu-west-3.amazonaws.com/'),
      },
      dependencies,
    );

    // Assert
    expect([result, clientRequests[0].credentials]).toEqual([{ status: 'valid' }, { kind: 'anonymous' }]);
  });
});

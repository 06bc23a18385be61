import { AuthErrorCode } from './auth.exception';
import {
  buildAccessPolicy,
  buildTrustPolicy,
  externalIdCondition,
  principalArnFromCallerArn,
} from './iam-policy.builder';
import { errorCodeOf } from './testing/error-code';

const EXTERNAL_ID = 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c';

describe('principalArnFromCallerArn', () => {
  it.each([
    ['arn:aws:iam::000000000000:user/ods-platform', 'arn:aws:iam::000000000000:user/ods-platform'],
    ['arn:aws:iam::000000000000:user/platform/ods', 'arn:aws:iam::000000000000:user/platform/ods'],
    [
      'arn:aws:sts::000000000000:assumed-role/OdsBroker/i-0abc123',
      'arn:aws:iam::000000000000:role/OdsBroker',
    ],
    [
      'arn:aws-cn:sts::000000000000:assumed-role/OdsBroker/session',
      'arn:aws-cn:iam::000000000000:role/OdsBroker',
    ],
    ['arn:aws:iam::000000000000:root', 'arn:aws:iam::000000000000:root'],
    ['arn:aws:iam::000000000000:role/OdsBroker', 'arn:aws:iam::000000000000:role/OdsBroker'],
    ['arn:aws:sts::000000000000:federated-user/bob', 'arn:aws:sts::000000000000:federated-user/bob'],
  ])('should map caller %s to principal %s', (callerArn, principalArn) => {
    // Act / Assert
    expect(principalArnFromCallerArn(callerArn)).toBe(principalArn);
  });

  it.each(['arn:aws:s3:::bucket', 'not-an-arn', 'arn:aws:sts::000000000000:assumed-role/NoSession'])(
    'should refuse %s with INVALID_CALLER_ARN',
    (arn) => {
      // Act
      const code = errorCodeOf(() => principalArnFromCallerArn(arn));

      // Assert
      expect(code).toBe(AuthErrorCode.INVALID_CALLER_ARN);
    },
  );
});

describe('buildTrustPolicy', () => {
  it('should trust the exact principal with the external ID when the caller is an IAM user', () => {
    // Act
    const policy = buildTrustPolicy({
      principalArn: 'arn:aws:iam::000000000000:user/ods-platform',
      externalId: EXTERNAL_ID,
    });

    // Assert
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:user/ods-platform' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    });
  });

  it('should trust the underlying role when the caller is an assumed-role session', () => {
    // Act
    const policy = buildTrustPolicy({
      principalArn: 'arn:aws:sts::000000000000:assumed-role/OdsBroker/task-1',
      externalId: EXTERNAL_ID,
    });

    // Assert
    expect(policy.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::000000000000:role/OdsBroker' });
  });

  it('should refuse an external ID the platform did not generate', () => {
    // Act
    const code = errorCodeOf(() =>
      buildTrustPolicy({
        principalArn: 'arn:aws:iam::000000000000:user/ods',
        externalId: 'chosen-by-client',
      }),
    );

    // Assert
    expect(code).toBe(AuthErrorCode.INVALID_EXTERNAL_ID);
  });

  it('should give the condition to add when asked for the external ID condition', () => {
    // Act / Assert
    expect(externalIdCondition(EXTERNAL_ID)).toEqual({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } });
  });
});

describe('buildAccessPolicy', () => {
  it('should grant only GetObject on the file when the location names a file', () => {
    // Act
    const policy = buildAccessPolicy({ bucket: 'mybucket', key: 'test.csv' });

    // Assert
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadObject',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: 'arn:aws:s3:::mybucket/test.csv',
        },
      ],
    });
  });

  it('should grant GetObject under the prefix and ListBucket limited to it when the location is a folder', () => {
    // Act
    const policy = buildAccessPolicy({ bucket: 'mybucket', key: 'exports/' });

    // Assert
    expect(policy.Statement).toEqual([
      {
        Sid: 'ReadObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: 'arn:aws:s3:::mybucket/exports/*',
      },
      {
        Sid: 'ListObjects',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: 'arn:aws:s3:::mybucket',
        Condition: { StringLike: { 's3:prefix': ['exports/*'] } },
      },
    ]);
  });

  it('should grant GetObject on every object and ListBucket when the location is a bucket', () => {
    // Act
    const policy = buildAccessPolicy({ bucket: 'mybucket', key: undefined });

    // Assert
    expect(policy.Statement.map((statement) => statement.Resource)).toEqual([
      'arn:aws:s3:::mybucket/*',
      'arn:aws:s3:::mybucket',
    ]);
  });

  it.each([
    ['cn-north-1', 'arn:aws-cn:s3:::mybucket/a.csv'],
    ['us-gov-west-1', 'arn:aws-us-gov:s3:::mybucket/a.csv'],
    ['eu-west-3', 'arn:aws:s3:::mybucket/a.csv'],
  ])('should use the partition of region %s', (region, resource) => {
    // Act
    const policy = buildAccessPolicy({ bucket: 'mybucket', key: 'a.csv', region });

    // Assert
    expect(policy.Statement[0].Resource).toBe(resource);
  });

  it('should escape wildcard characters when the key contains them', () => {
    // Act
    const policy = buildAccessPolicy({ bucket: 'mybucket', key: 'what?*$.csv' });

    // Assert
    expect(policy.Statement[0].Resource).toBe('arn:aws:s3:::mybucket/what${?}${*}${$}.csv');
  });
});

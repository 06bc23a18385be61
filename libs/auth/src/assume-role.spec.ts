import { AuthErrorCode } from './auth.exception';
import { assertSessionDuration, assumeRole, roleSessionName } from './assume-role';
import { assumeRoleOutput, fakeClient } from './testing/fake-aws';
import { asyncErrorCodeOf, errorCodeOf } from './testing/error-code';
import { StsClientLike } from './sts.types';

const ROLE_ARN = 'arn:aws:iam::061258320951:role/ODSRole';
const EXTERNAL_ID = 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c';

describe('roleSessionName', () => {
  it.each([
    ['2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c', 'ods-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c'],
    ['conn id/with:odd#chars', 'ods-conn-id-with-odd-chars'],
    ['été', 'ods--t-'],
  ])('should name the session of connection %s %s', (connectionId, expected) => {
    // Act / Assert
    expect(roleSessionName(connectionId)).toBe(expected);
  });

  it('should shorten long connection ids to 64 characters and keep them distinct', () => {
    // Act
    const names = [roleSessionName('x'.repeat(100) + 'a'), roleSessionName('x'.repeat(100) + 'b')];

    // Assert
    expect([names[0].length, names[1].length, names[0] === names[1], /^[\w+=,.@-]+$/.test(names[0])]).toEqual(
      [64, 64, false, true],
    );
  });
});

describe('assertSessionDuration', () => {
  it.each([
    [900, undefined],
    [3600, undefined],
    [43200, undefined],
    [899, AuthErrorCode.INVALID_SESSION_DURATION],
    [43201, AuthErrorCode.INVALID_SESSION_DURATION],
    [1000.5, AuthErrorCode.INVALID_SESSION_DURATION],
  ])('should check a duration of %s seconds', (duration, expected) => {
    // Act / Assert
    expect(errorCodeOf(() => assertSessionDuration(duration))).toBe(expected);
  });
});

describe('assumeRole', () => {
  it('should send the role, the external ID, the session name and the duration', async () => {
    // Arrange
    const sts = fakeClient({ AssumeRoleCommand: [assumeRoleOutput(new Date('2030-01-01T00:00:00Z'))] });

    // Act
    const credentials = await assumeRole(sts as unknown as StsClientLike, {
      roleArn: ROLE_ARN,
      externalId: EXTERNAL_ID,
      sessionName: 'ods-c1',
    });

    // Assert
    expect([sts.calls[0].input, credentials]).toEqual([
      { RoleArn: ROLE_ARN, RoleSessionName: 'ods-c1', DurationSeconds: 3600, ExternalId: EXTERNAL_ID },
      {
        accessKeyId: 'ASIATEMP1',
        secretAccessKey: 'secret-1',
        sessionToken: 'token-1',
        expiration: new Date('2030-01-01T00:00:00Z'),
      },
    ]);
  });

  it('should send no ExternalId when none is given', async () => {
    // Arrange
    const sts = fakeClient({ AssumeRoleCommand: [assumeRoleOutput(new Date('2030-01-01T00:00:00Z'))] });

    // Act
    await assumeRole(sts as unknown as StsClientLike, {
      roleArn: ROLE_ARN,
      sessionName: 'ods-c1',
      durationSeconds: 900,
    });

    // Assert
    expect(sts.calls[0].input).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'ods-c1',
      DurationSeconds: 900,
    });
  });

  it('should fail with AWS_ERROR when STS answers without credentials', async () => {
    // Arrange
    const sts = fakeClient({ AssumeRoleCommand: [{ $metadata: {} }] });

    // Act / Assert
    expect(
      await asyncErrorCodeOf(() =>
        assumeRole(sts as unknown as StsClientLike, { roleArn: ROLE_ARN, sessionName: 'ods-c1' }),
      ),
    ).toBe(AuthErrorCode.AWS_ERROR);
  });
});

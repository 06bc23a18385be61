import { AuthErrorCode } from './auth.exception';
import { isValidRoleArn, parseRoleArn } from './role-arn.parser';
import { errorCodeOf } from './testing/error-code';

describe('parseRoleArn', () => {
  it.each([
    [
      'arn:aws:iam::061258320951:role/ODSRoleAuthMyDomain',
      { partition: 'aws', accountId: '061258320951', path: '/', roleName: 'ODSRoleAuthMyDomain' },
    ],
    [
      'arn:aws:iam::123456789012:role/division/team/reader',
      { partition: 'aws', accountId: '123456789012', path: '/division/team/', roleName: 'reader' },
    ],
    [
      'arn:aws-cn:iam::123456789012:role/r+=,.@-_1',
      { partition: 'aws-cn', accountId: '123456789012', path: '/', roleName: 'r+=,.@-_1' },
    ],
    [
      'arn:aws-us-gov:iam::123456789012:role/service-role/x',
      { partition: 'aws-us-gov', accountId: '123456789012', path: '/service-role/', roleName: 'x' },
    ],
    [
      ' arn:aws:iam::123456789012:role/trimmed ',
      { partition: 'aws', accountId: '123456789012', path: '/', roleName: 'trimmed' },
    ],
  ])('should parse %s', (arn, expected) => {
    // Act
    const parsed = parseRoleArn(arn);

    // Assert
    expect(parsed).toMatchObject({ ...expected, arn: arn.trim() });
  });

  it.each([
    ['a user ARN', 'arn:aws:iam::123456789012:user/alice'],
    ['an assumed-role session', 'arn:aws:sts::123456789012:assumed-role/Role/session'],
    ['a short account id', 'arn:aws:iam::12345678901:role/r'],
    ['an unknown partition', 'arn:aws-mars:iam::123456789012:role/r'],
    ['a region in an IAM ARN', 'arn:aws:iam:eu-west-3:123456789012:role/r'],
    ['a role name over 64 characters', `arn:aws:iam::123456789012:role/${'r'.repeat(65)}`],
    ['a role name with spaces', 'arn:aws:iam::123456789012:role/my role'],
    ['an empty path segment', 'arn:aws:iam::123456789012:role//r'],
    ['a path over 512 characters', `arn:aws:iam::123456789012:role/${'p'.repeat(512)}/r`],
    ['a trailing slash', 'arn:aws:iam::123456789012:role/r/'],
    ['garbage', 'ODSRoleAuthMyDomain'],
  ])('should refuse %s with INVALID_ROLE_ARN', (_label, arn) => {
    // Act
    const code = errorCodeOf(() => parseRoleArn(arn));

    // Assert
    expect([code, isValidRoleArn(arn)]).toEqual([AuthErrorCode.INVALID_ROLE_ARN, false]);
  });
});

import { AuthErrorCode, AuthException } from './auth.exception';
import { AwsPartition } from './region.rules';

const PARTITIONS = 'aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-eusc';
// IAM: a path is `/` or `/segment/…/` of printable ASCII (at most 512 characters); a role name is 1–64 of [\w+=,.@-].
const ROLE_ARN_PATTERN = new RegExp(
  `^arn:(${PARTITIONS}):iam::(\\d{12}):role((?:/[\\x21-\\x2e\\x30-\\x7e]+)*/)([\\w+=,.@-]{1,64})$`,
);
const MAX_PATH_LENGTH = 512;

export interface ParsedRoleArn {
  arn: string;
  partition: AwsPartition;
  accountId: string;
  /** `/` or `/division/team/`. */
  path: string;
  roleName: string;
}

export function parseRoleArn(value: string): ParsedRoleArn {
  const arn = value.trim();
  const match = ROLE_ARN_PATTERN.exec(arn);
  if (match === null || match[3].length > MAX_PATH_LENGTH) {
    throw new AuthException(AuthErrorCode.INVALID_ROLE_ARN, 'role_arn is not the ARN of an IAM role.', {
      hint: "Copy the ARN from the role's page in the IAM console, e.g. arn:aws:iam::123456789012:role/ODSRoleAuthMyDomain.",
      details: { roleArn: arn.slice(0, 200) },
    });
  }
  return {
    arn,
    partition: match[1] as AwsPartition,
    accountId: match[2],
    path: match[3],
    roleName: match[4],
  };
}

export function isValidRoleArn(value: string): boolean {
  try {
    parseRoleArn(value);
    return true;
  } catch {
    return false;
  }
}

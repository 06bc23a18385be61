import { AuthErrorCode, AuthException } from './auth.exception';
import { parseExternalId } from './external-id';
import { AwsPartition, partitionForRegion } from './region.rules';
import { locationKind } from './s3-location.parser';
import { S3Location } from './s3-location.types';

const PARTITIONS = 'aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-eusc';
const IAM_PRINCIPAL = new RegExp(`^arn:(?:${PARTITIONS}):iam::\\d{12}:(?:root|user/.+|role/.+)$`);
const FEDERATED_USER = new RegExp(`^arn:(?:${PARTITIONS}):sts::\\d{12}:federated-user/.+$`);
const ASSUMED_ROLE = new RegExp(
  `^arn:(${PARTITIONS}):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/[\\w+=,.@-]+$`,
);

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/**
 * The principal a trust policy must name for the platform's caller. An assumed-role session
 * (`arn:aws:sts::acct:assumed-role/Role/session`) trusts through its role; the session ARN does not
 * carry the role's path, so the role ARN is rebuilt without it — a role with a path needs its
 * full ARN supplied by configuration instead.
 */
export function principalArnFromCallerArn(callerArn: string): string {
  const assumed = ASSUMED_ROLE.exec(callerArn);
  if (assumed !== null) {
    return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  }
  if (IAM_PRINCIPAL.test(callerArn) || FEDERATED_USER.test(callerArn)) {
    return callerArn;
  }
  throw new AuthException(
    AuthErrorCode.INVALID_CALLER_ARN,
    "The platform's AWS caller identity is not an IAM user, role or assumed-role session.",
    {
      details: { callerArn: callerArn.slice(0, 200) },
    },
  );
}

/**
 * The trust policy a tenant attaches to the role: only the platform's exact principal, only with
 * the connection's external ID. (An account-root principal would also work on AWS, but naming the
 * exact principal is tighter and is what the local AWS emulator enforces.)
 */
export function buildTrustPolicy(input: { principalArn: string; externalId: string }): PolicyDocument {
  const principalArn = principalArnFromCallerArn(input.principalArn);
  const { externalId } = parseExternalId(input.externalId);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principalArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/** The condition to add to a trust policy that does not enforce the external ID. */
export function externalIdCondition(externalId: string): PolicyStatement['Condition'] {
  return { StringEquals: { 'sts:ExternalId': externalId } };
}

// In resource ARNs `*`, `?` and `${…}` are special; IAM's escapes make a key match only itself.
function escapeResource(value: string): string {
  return value.replace(/[$*?]/g, (character) => `\${${character}}`);
}

/**
 * A least-privilege access policy for a location: `s3:GetObject` on the object, or on everything
 * under the prefix or bucket plus `s3:ListBucket` restricted to that prefix.
 */
export function buildAccessPolicy(
  location: Pick<S3Location, 'bucket' | 'key'> & { region?: string },
  options: { partition?: AwsPartition } = {},
): PolicyDocument {
  const partition = options.partition ?? partitionForRegion(location.region);
  const bucketArn = `arn:${partition}:s3:::${location.bucket}`;
  const kind = locationKind(location);
  if (kind === 'object') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadObject',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: `${bucketArn}/${escapeResource(location.key ?? '')}`,
        },
      ],
    };
  }
  const prefix = location.key ?? '';
  const listStatement: PolicyStatement = {
    Sid: 'ListObjects',
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: bucketArn,
  };
  if (kind === 'prefix') {
    listStatement.Condition = { StringLike: { 's3:prefix': [`${escapeResource(prefix)}*`] } };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: `${bucketArn}/${escapeResource(prefix)}*`,
      },
      listStatement,
    ],
  };
}

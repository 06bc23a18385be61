import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AwsSessionCredentials, StsClientLike } from './sts.types';

export const MIN_SESSION_DURATION_SECONDS = 900;
export const MAX_SESSION_DURATION_SECONDS = 43_200;
export const DEFAULT_SESSION_DURATION_SECONDS = 3_600;

const MAX_SESSION_NAME_LENGTH = 64;

export interface AssumeRoleParams {
  roleArn: string;
  /** Omitted only to check that a role refuses callers without it. */
  externalId?: string;
  sessionName: string;
  durationSeconds?: number;
}

/**
 * `ods-<connectionId>`: shows up in the tenant's CloudTrail, so they can tell which connection
 * read their bucket. Characters outside STS's set become `-`; names too long are shortened and
 * suffixed with a hash so they stay unique.
 */
export function roleSessionName(connectionId: string): string {
  const name = `ods-${connectionId}`.replace(/[^\w+=,.@-]/g, '-');
  if (name.length <= MAX_SESSION_NAME_LENGTH) {
    return name;
  }
  const digest = createHash('sha256').update(connectionId).digest('hex').slice(0, 12);
  return `${name.slice(0, MAX_SESSION_NAME_LENGTH - digest.length - 1)}-${digest}`;
}

export function assertSessionDuration(durationSeconds: number): number {
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < MIN_SESSION_DURATION_SECONDS ||
    durationSeconds > MAX_SESSION_DURATION_SECONDS
  ) {
    throw new AuthException(
      AuthErrorCode.INVALID_SESSION_DURATION,
      `A role session lasts ${MIN_SESSION_DURATION_SECONDS} to ${MAX_SESSION_DURATION_SECONDS} seconds, not ${durationSeconds}.`,
    );
  }
  return durationSeconds;
}

/** Calls STS AssumeRole; SDK errors are thrown as they are, for diagnoseAwsError. */
export async function assumeRole(
  sts: StsClientLike,
  params: AssumeRoleParams,
): Promise<AwsSessionCredentials> {
  const output = await sts.send(
    new AssumeRoleCommand({
      RoleArn: params.roleArn,
      RoleSessionName: params.sessionName,
      DurationSeconds: assertSessionDuration(params.durationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS),
      ...(params.externalId === undefined ? {} : { ExternalId: params.externalId }),
    }),
  );
  const credentials = output.Credentials;
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !credentials.Expiration
  ) {
    throw new AuthException(AuthErrorCode.AWS_ERROR, 'STS AssumeRole answered without credentials.', {
      retryable: true,
    });
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: new Date(credentials.Expiration),
  };
}

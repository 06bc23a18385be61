import { randomUUID } from 'node:crypto';
import { AccessProblem, AuthErrorCode, isAuthException, toAccessProblem } from './auth.exception';
import { assumeRole, MIN_SESSION_DURATION_SECONDS, roleSessionName } from './assume-role';
import { diagnoseAwsError, DiagnosisContext } from './aws-error.diagnosis';
import { buildTrustPolicy, externalIdCondition } from './iam-policy.builder';
import { PlatformIdentityInfo } from './platform-identity';
import { assertRegionMatchesLocation, assertValidRegion } from './region.rules';
import { parseRoleArn } from './role-arn.parser';
import { S3ClientLike, S3Credentials } from './s3-client.factory';
import { ObjectMetadata, probeLocation } from './s3-location.probe';
import { S3Endpoint, S3Location } from './s3-location.types';
import { StsClientLike } from './sts.types';

export type ConnectionAccessRequest =
  | {
      method: 'iam_role';
      connectionId: string;
      region: string;
      externalId: string;
      roleArn?: string | null;
      /** Probed with the role's temporary credentials when known. */
      location?: S3Location;
    }
  | {
      method: 'sigv4';
      region: string;
      location: S3Location;
      accessKey: string;
      secretAccessKey: string;
      headers?: Readonly<Record<string, string>>;
    }
  | {
      method: 'anonymous';
      region: string;
      location: S3Location;
      headers?: Readonly<Record<string, string>>;
    };

export interface S3ClientRequest {
  location: S3Endpoint;
  region: string;
  credentials: S3Credentials;
  headers?: Readonly<Record<string, string>>;
}

export interface ConnectionAccessDependencies {
  /** The platform's STS client; required for IAM role connections. */
  sts?: StsClientLike;
  /** The platform's identity, for the account, principal and trust policy shown in hints. */
  platformIdentity?: { get(): Promise<PlatformIdentityInfo> };
  /** Builds a probe client; the caller binds the egress guard, timeouts and attempts (see createS3Client). */
  createS3Client: (request: S3ClientRequest) => S3ClientLike & { destroy?: () => void };
}

export type ConnectionValidationResult =
  { status: 'valid'; object?: ObjectMetadata } | { status: 'invalid'; reason: AccessProblem };

/** An external ID no tenant holds. */
function decoyExternalId(): string {
  return `ods-decoy-${randomUUID()}`;
}

function invalid(reason: AccessProblem): ConnectionValidationResult {
  return { status: 'invalid', reason };
}

async function probeWith(
  dependencies: ConnectionAccessDependencies,
  request: S3ClientRequest & { location: S3Location },
  context: Omit<DiagnosisContext, 'operation' | 'location' | 'region'> = {},
): Promise<ConnectionValidationResult> {
  let client: (S3ClientLike & { destroy?: () => void }) | undefined;
  try {
    assertRegionMatchesLocation(request.region, request.location);
    client = dependencies.createS3Client(request);
    return await probeLocation({ client, location: request.location, region: request.region, context });
  } catch (error) {
    if (isAuthException(error)) {
      return invalid(toAccessProblem(error));
    }
    throw error;
  } finally {
    client?.destroy?.();
  }
}

function roleArnMissing(externalId: string, identity: PlatformIdentityInfo | undefined): AccessProblem {
  const trustPolicy =
    identity === undefined
      ? undefined
      : JSON.stringify(buildTrustPolicy({ principalArn: identity.principalArn, externalId }));
  return {
    code: AuthErrorCode.ROLE_ARN_MISSING,
    message:
      'role_arn is not set: create the role in your AWS account and update the connection with its ARN.',
    hint:
      `Create a role that trusts the ODS AWS account${identity ? ` ${identity.accountId}` : ''} with the external ID ${externalId}` +
      (trustPolicy === undefined ? '.' : ` (trust policy: ${trustPolicy}).`),
    retryable: false,
  };
}

async function validateIamRole(
  request: Extract<ConnectionAccessRequest, { method: 'iam_role' }>,
  dependencies: ConnectionAccessDependencies,
): Promise<ConnectionValidationResult> {
  try {
    assertValidRegion(request.region, 'aws');
  } catch (error) {
    if (isAuthException(error)) {
      return invalid(toAccessProblem(error));
    }
    throw error;
  }
  let identity: PlatformIdentityInfo | undefined;
  try {
    identity = await dependencies.platformIdentity?.get();
  } catch (error) {
    return invalid(diagnoseAwsError(error, { operation: 'callerIdentity' }));
  }
  const roleArn = request.roleArn?.trim();
  if (!roleArn) {
    return invalid(roleArnMissing(request.externalId, identity));
  }
  try {
    parseRoleArn(roleArn);
  } catch (error) {
    if (isAuthException(error)) {
      return invalid(toAccessProblem(error));
    }
    throw error;
  }
  if (dependencies.sts === undefined) {
    throw new TypeError('validateConnectionAccess needs the platform STS client for IAM role connections.');
  }

  const context: DiagnosisContext = {
    operation: 'assumeRole',
    roleArn,
    externalId: request.externalId,
    odsAwsAccountId: identity?.accountId,
    principalArn: identity?.principalArn,
  };
  const sessionName = roleSessionName(request.connectionId);
  let credentials;
  try {
    credentials = await assumeRole(dependencies.sts, {
      roleArn,
      externalId: request.externalId,
      sessionName,
      durationSeconds: MIN_SESSION_DURATION_SECONDS,
    });
  } catch (error) {
    return invalid(diagnoseAwsError(error, context));
  }

  // The confused-deputy check: can the platform assume the role with an external ID that is not this
  // connection's, as it would on behalf of another tenant? A decoy ID rather than none at all, because a
  // trust policy without the condition ignores whatever ID is sent, and because emulators (moto) let a
  // missing ID pass a condition that AWS would enforce.
  try {
    await assumeRole(dependencies.sts, {
      roleArn,
      externalId: decoyExternalId(),
      sessionName,
      durationSeconds: MIN_SESSION_DURATION_SECONDS,
    });
    return invalid({
      code: AuthErrorCode.EXTERNAL_ID_NOT_ENFORCED,
      message:
        "The role identified by role_arn can be assumed without this connection's external ID, so another platform customer could use it.",
      hint: `Add this condition to the statement of the role's trust policy that allows the ODS AWS account: "Condition": ${JSON.stringify(externalIdCondition(request.externalId))}.`,
      retryable: false,
    });
  } catch (error) {
    const refusal = diagnoseAwsError(error, context);
    if (refusal.code !== AuthErrorCode.ROLE_NOT_ASSUMABLE) {
      return invalid(refusal);
    }
  }

  if (request.location === undefined) {
    return { status: 'valid' };
  }
  return probeWith(
    dependencies,
    {
      location: request.location,
      region: request.region,
      credentials: { kind: 'session', ...credentials },
    },
    { roleArn, externalId: request.externalId, odsAwsAccountId: identity?.accountId },
  );
}

/**
 * Checks that a connection can do what it is for: for an IAM role, that the platform can assume
 * it with the external ID, cannot without, and (if a location is known) can read it; for
 * signature v4 and anonymous access, that the location answers a cheap probe. Problems are
 * returned as `invalid` with a code; only programming errors throw.
 */
export async function validateConnectionAccess(
  request: ConnectionAccessRequest,
  dependencies: ConnectionAccessDependencies,
): Promise<ConnectionValidationResult> {
  switch (request.method) {
    case 'iam_role':
      return validateIamRole(request, dependencies);
    case 'sigv4':
      return probeWith(dependencies, {
        location: request.location,
        region: request.region,
        credentials: {
          kind: 'static',
          accessKeyId: request.accessKey,
          secretAccessKey: request.secretAccessKey,
        },
        headers: request.headers,
      });
    case 'anonymous':
      return probeWith(dependencies, {
        location: request.location,
        region: request.region,
        credentials: { kind: 'anonymous' },
        headers: request.headers,
      });
  }
}

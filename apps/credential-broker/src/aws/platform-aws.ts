import {
  AssumeRoleSessionCache,
  AuthException,
  createEgressGuard,
  createPlatformStsClient,
  diagnoseAwsError,
  PlatformIdentity,
  type AwsSessionCredentials,
  type EgressGuard,
  type PlatformIdentityInfo,
  type RoleSessionKey,
} from '@s3c/auth';
import type { STSClient } from '@aws-sdk/client-sts';
import type { JsonLogger } from '@s3c/nest-kit';
import type { CredentialBrokerConfig } from '../credential-broker.config';

/** The platform's AWS side: its STS client (explicit credentials only), identity, role sessions and egress guard. */
export class PlatformAws {
  readonly sts: STSClient;
  readonly identity: PlatformIdentity;
  readonly sessions: AssumeRoleSessionCache;
  readonly egressGuard: EgressGuard;

  constructor(
    readonly config: CredentialBrokerConfig,
    private readonly logger: JsonLogger,
  ) {
    this.sts = createPlatformStsClient({
      region: config.AWS_REGION,
      credentials: {
        accessKeyId: config.PLATFORM_AWS_ACCESS_KEY_ID,
        secretAccessKey: config.PLATFORM_AWS_SECRET_ACCESS_KEY,
      },
      ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    });
    this.identity = new PlatformIdentity(this.sts);
    this.sessions = new AssumeRoleSessionCache({
      sts: this.sts,
      durationSeconds: config.STS_SESSION_DURATION_SECONDS,
      refreshMarginSeconds: config.STS_SESSION_REFRESH_MARGIN_SECONDS,
      // The access key ID is what the tenant's CloudTrail shows for our reads; the secret and token are never logged.
      onSessionIssued: ({ connectionId, roleArn, accessKeyId, expiration, renewed }) =>
        this.logger.event(
          'info',
          renewed ? 'Role session renewed' : 'Role session assumed',
          { connectionId, roleArn, accessKeyId, expiresAt: expiration.toISOString() },
          'RoleSessions',
        ),
    });
    this.egressGuard = createEgressGuard({
      allowList: config.EGRESS_ALLOW_LIST,
      allowHttpFor: config.EGRESS_ALLOW_HTTP,
    });
  }

  /** Where IAM-role connections read: AWS itself, or the configured AWS-compatible endpoint (local development). */
  get iamRoleEndpoint(): string | undefined {
    return this.config.AWS_ENDPOINT_URL;
  }

  /**
   * A session of the connection's role, or a coded AuthException (`ROLE_NOT_ASSUMABLE` with the
   * product's message when the role no longer trusts the platform; retryable codes when STS is away).
   */
  async roleSession(key: RoleSessionKey): Promise<AwsSessionCredentials> {
    try {
      return await this.sessions.get(key);
    } catch (error) {
      const identity = await this.identity.get().catch((): PlatformIdentityInfo | undefined => undefined);
      const problem = diagnoseAwsError(error, {
        operation: 'assumeRole',
        roleArn: key.roleArn,
        externalId: key.externalId,
        odsAwsAccountId: identity?.accountId,
        principalArn: identity?.principalArn,
      });
      this.logger.event(
        'warn',
        'Role session refused',
        {
          connectionId: key.connectionId,
          roleArn: key.roleArn,
          code: problem.code,
          retryable: problem.retryable,
        },
        'RoleSessions',
      );
      throw new AuthException(problem.code, problem.message, {
        hint: problem.hint,
        retryable: problem.retryable,
        cause: error,
      });
    }
  }
}

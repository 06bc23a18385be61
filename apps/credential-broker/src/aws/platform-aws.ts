import {
  AssumeRoleSessionCache,
  createEgressGuard,
  createPlatformStsClient,
  PlatformIdentity,
  type EgressGuard,
} from '@s3c/auth';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CredentialBrokerConfig } from '../credential-broker.config';

/** The platform's AWS side: its STS client (explicit credentials only), identity, role sessions and egress guard. */
export class PlatformAws {
  readonly sts: STSClient;
  readonly identity: PlatformIdentity;
  readonly sessions: AssumeRoleSessionCache;
  readonly egressGuard: EgressGuard;

  constructor(readonly config: CredentialBrokerConfig) {
    this.sts = createPlatformStsClient({
      region: config.AWS_REGION,
      credentials: { accessKeyId: config.PLATFORM_AWS_ACCESS_KEY_ID, secretAccessKey: config.PLATFORM_AWS_SECRET_ACCESS_KEY },
      ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    });
    this.identity = new PlatformIdentity(this.sts);
    this.sessions = new AssumeRoleSessionCache({ sts: this.sts, durationSeconds: config.STS_SESSION_DURATION_SECONDS });
    this.egressGuard = createEgressGuard({ allowList: config.EGRESS_ALLOW_LIST, allowHttpFor: config.EGRESS_ALLOW_HTTP });
  }

  /** Where IAM-role connections read: AWS itself, or the configured AWS-compatible endpoint (local development). */
  get iamRoleEndpoint(): string | undefined {
    return this.config.AWS_ENDPOINT_URL;
  }
}

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AuthErrorCode, AuthException } from './auth.exception';
import { principalArnFromCallerArn } from './iam-policy.builder';
import { StsClientLike } from './sts.types';

export interface PlatformIdentityInfo {
  /** The `ods_aws_account_id` shown to tenants. */
  accountId: string;
  /** The caller ARN exactly as STS reports it. */
  arn: string;
  /** The principal trust policies must name (the role behind an assumed-role session). */
  principalArn: string;
}

/** The platform's AWS identity, asked of STS once and then remembered (a failure is not). */
export class PlatformIdentity {
  private pending: Promise<PlatformIdentityInfo> | undefined;

  constructor(private readonly sts: StsClientLike) {}

  get(): Promise<PlatformIdentityInfo> {
    if (this.pending === undefined) {
      this.pending = this.load();
      this.pending.catch(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async load(): Promise<PlatformIdentityInfo> {
    const output = await this.sts.send(new GetCallerIdentityCommand({}));
    if (!output.Account || !output.Arn) {
      throw new AuthException(
        AuthErrorCode.AWS_ERROR,
        'STS GetCallerIdentity answered without an account or ARN.',
        { retryable: true },
      );
    }
    return {
      accountId: output.Account,
      arn: output.Arn,
      principalArn: principalArnFromCallerArn(output.Arn),
    };
  }
}

import { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AuthErrorCode, AuthException } from './auth.exception';
import { PlatformCredentials } from './sts.types';

export interface PlatformStsClientOptions {
  region: string;
  /** Explicit credentials, or a provider of them. Required: the default credential chain is never used. */
  credentials: PlatformCredentials | (() => Promise<PlatformCredentials>) | undefined;
  /** A non-AWS STS endpoint, e.g. the local emulator in tests. */
  endpoint?: string;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

function missing(): AuthException {
  return new AuthException(
    AuthErrorCode.PLATFORM_CREDENTIALS_MISSING,
    "The platform's AWS credentials are not configured.",
    {
      hint: 'Configure the access key and secret of the platform identity allowed to call sts:AssumeRole; the default credential chain is never used.',
    },
  );
}

/**
 * The STS client of the platform's own identity. It only ever calls STS (GetCallerIdentity,
 * AssumeRole); it is built from explicit credentials so that a stray instance profile or
 * environment variable can never become the identity tenants trust.
 */
export function createPlatformStsClient(options: PlatformStsClientOptions): STSClient {
  const { credentials } = options;
  if (credentials === undefined || credentials === null) {
    throw missing();
  }
  if (typeof credentials !== 'function' && (!credentials.accessKeyId || !credentials.secretAccessKey)) {
    throw missing();
  }
  const refuseDefaultChain: NonNullable<STSClientConfig['credentialDefaultProvider']> = () => async () => {
    throw missing();
  };
  return new STSClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    credentials:
      typeof credentials === 'function'
        ? async () => {
            const resolved = await credentials();
            if (!resolved?.accessKeyId || !resolved.secretAccessKey) {
              throw missing();
            }
            return resolved;
          }
        : credentials,
    credentialDefaultProvider: refuseDefaultChain,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: new NodeHttpHandler({
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      throwOnRequestTimeout: true,
    }),
  });
}

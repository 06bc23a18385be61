import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AuthErrorCode, AuthException } from './auth.exception';
import { EgressGuard, GuardedAgents } from './egress.guard';
import { assertRegionMatchesLocation } from './region.rules';
import { S3Endpoint } from './s3-location.types';
import { AwsSessionCredentials } from './sts.types';

export type S3Credentials =
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string }
  | { kind: 'session'; accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date }
  /** Called whenever the SDK needs (fresh) credentials, e.g. an AssumeRoleSessionCache lookup. */
  | { kind: 'provider'; provide: () => Promise<AwsSessionCredentials> }
  /** Public buckets: requests are sent unsigned. */
  | { kind: 'anonymous' };

export interface CreateS3ClientOptions {
  location: S3Endpoint;
  region: string;
  credentials: S3Credentials;
  /** Extra headers sent (and signed) with every request, e.g. `x-amz-request-payer`. */
  headers?: Readonly<Record<string, string>>;
  egressGuard: EgressGuard;
  /** Whole request budget; default 30 s. */
  requestTimeoutMs?: number;
  /** Socket connect budget; default the smaller of 10 s and the request budget. */
  connectionTimeoutMs?: number;
  /** Attempts including the first; probes use 1 or 2. Default 3. */
  maxAttempts?: number;
  /** Agents from `egressGuard.createAgents()` to share a connection pool between clients. */
  agents?: GuardedAgents;
}

export type S3ClientLike = Pick<S3Client, 'send'>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Headers the SDK, the signature or the import pipeline (ranges, ETag pinning) own.
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
]);

const NO_AUTH_SCHEME_ID = 'smithy.api#noAuth';

/** Validates custom headers and returns them with lower-case names. */
export function normalizeCustomHeaders(
  headers: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(lower) || lower.startsWith('x-amz-checksum-')) {
      throw new AuthException(
        AuthErrorCode.INVALID_HEADER,
        `The header "${name.slice(0, 100)}" cannot be set on a connection.`,
        {
          hint: 'Header names are HTTP tokens; authorization, host, range, conditional and x-amz-date/-content-sha256/-security-token headers are set by the platform.',
          details: { header: name.slice(0, 100) },
        },
      );
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      // The value may be a secret: name the header only.
      throw new AuthException(
        AuthErrorCode.INVALID_HEADER,
        `The value of header "${name}" is not a single-line string.`,
        {
          details: { header: name },
        },
      );
    }
    normalized[lower] = value;
  }
  return normalized;
}

function requireKeyPair(accessKeyId: string, secretAccessKey: string): void {
  if (accessKeyId.trim() === '' || secretAccessKey === '') {
    throw new AuthException(
      AuthErrorCode.CREDENTIALS_REQUIRED,
      'The access key and the secret access key are required.',
      {
        hint: 'Set access_key and secret_access_key on the connection, or use anonymous access for public buckets.',
      },
    );
  }
}

// Tenant data is never read with the platform's own identity: if the SDK ever reached for its default chain, fail.
const refuseDefaultCredentialChain: NonNullable<S3ClientConfig['credentialDefaultProvider']> =
  () => async () => {
    throw new AuthException(
      AuthErrorCode.CREDENTIALS_REQUIRED,
      'No credentials were given for this S3 client; the default credential chain is never used.',
    );
  };

function credentialsConfig(credentials: S3Credentials): Partial<S3ClientConfig> {
  switch (credentials.kind) {
    case 'static':
      requireKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
      return {
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
      };
    case 'session':
      requireKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
      return {
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken,
          expiration: credentials.expiration,
        },
      };
    case 'provider':
      return {
        credentials: async () => {
          const session = await credentials.provide();
          return { ...session };
        },
      };
    case 'anonymous':
      // Unsigned requests: the only auth scheme offered is smithy's noAuth, so no identity is ever resolved.
      return {
        httpAuthSchemes: [
          {
            schemeId: NO_AUTH_SCHEME_ID,
            identityProvider: () => async () => ({}),
            signer: { sign: async (request) => request },
          },
        ],
        httpAuthSchemeProvider: () => [{ schemeId: NO_AUTH_SCHEME_ID }],
      };
    default:
      throw new AuthException(
        AuthErrorCode.CREDENTIALS_REQUIRED,
        'Unknown credentials kind; the default credential chain is never used.',
      );
  }
}

class SharedAgentsHttpHandler extends NodeHttpHandler {
  override destroy(): void {
    // Shared agents belong to their creator: destroying one client must not close the other clients' sockets.
  }
}

/**
 * An S3 client for one tenant location. Checksums only when required (the SDK's default CRC
 * trailers break S3-compatible stores), redirects never followed (a 301 becomes WRONG_REGION),
 * every socket through the egress guard.
 */
export function createS3Client(options: CreateS3ClientOptions): S3Client {
  const { location, region, egressGuard } = options;
  assertRegionMatchesLocation(region, location);
  if (location.endpoint !== undefined) {
    egressGuard.checkUrl(location.endpoint);
  }
  const headers = normalizeCustomHeaders(options.headers);
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const agents = options.agents ?? egressGuard.createAgents();

  const client = new S3Client({
    region,
    ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
    forcePathStyle: location.forcePathStyle,
    ...credentialsConfig(options.credentials),
    credentialDefaultProvider: refuseDefaultCredentialChain,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    followRegionRedirects: false,
    // Pinned so that AWS_* environment variables and ~/.aws/config cannot change where tenant requests go.
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    useArnRegion: false,
    maxAttempts: options.maxAttempts ?? 3,
    // Agent instances (not options) also stop the handler from swapping in an unguarded agent for 100-continue uploads.
    requestHandler: new (options.agents === undefined ? NodeHttpHandler : SharedAgentsHttpHandler)({
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      connectionTimeout: options.connectionTimeoutMs ?? Math.min(10_000, requestTimeout),
      requestTimeout,
      throwOnRequestTimeout: true,
    }),
  });

  if (Object.keys(headers).length > 0) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (request?.headers !== undefined) {
          Object.assign(request.headers, headers);
        }
        return next(args);
      },
      // The build step runs before signing, so the headers are covered by the signature.
      { step: 'build', name: 's3cCustomHeadersMiddleware' },
    );
  }
  return client;
}

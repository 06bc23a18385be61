/**
 * One code space for the whole auth library: locations, the egress guard, STS, S3 probes, sealing
 * and encryption at rest. The diagnosis of an AWS error yields the same codes a thrown
 * AuthException carries, so transport filters switch exhaustively over a single enum.
 */
export enum AuthErrorCode {
  // S3 locations and region rules
  INVALID_S3_URL = 'INVALID_S3_URL',
  INVALID_BUCKET_NAME = 'INVALID_BUCKET_NAME',
  INVALID_OBJECT_KEY = 'INVALID_OBJECT_KEY',
  LOCATION_OUTSIDE_CONNECTION = 'LOCATION_OUTSIDE_CONNECTION',
  INVALID_REGION = 'INVALID_REGION',
  REGION_MISMATCH = 'REGION_MISMATCH',
  // identities, ARNs, policies, sessions
  INVALID_DOMAIN = 'INVALID_DOMAIN',
  INVALID_EXTERNAL_ID = 'INVALID_EXTERNAL_ID',
  INVALID_ROLE_ARN = 'INVALID_ROLE_ARN',
  INVALID_CALLER_ARN = 'INVALID_CALLER_ARN',
  INVALID_SESSION_DURATION = 'INVALID_SESSION_DURATION',
  ROLE_ARN_MISSING = 'ROLE_ARN_MISSING',
  ROLE_NOT_ASSUMABLE = 'ROLE_NOT_ASSUMABLE',
  EXTERNAL_ID_NOT_ENFORCED = 'EXTERNAL_ID_NOT_ENFORCED',
  PLATFORM_CREDENTIALS_MISSING = 'PLATFORM_CREDENTIALS_MISSING',
  PLATFORM_CREDENTIALS_INVALID = 'PLATFORM_CREDENTIALS_INVALID',
  CREDENTIALS_REQUIRED = 'CREDENTIALS_REQUIRED',
  CREDENTIALS_EXPIRED = 'CREDENTIALS_EXPIRED',
  INVALID_HEADER = 'INVALID_HEADER',
  // S3 probe outcomes
  INVALID_ACCESS_KEY = 'INVALID_ACCESS_KEY',
  SIGNATURE_MISMATCH = 'SIGNATURE_MISMATCH',
  ACCESS_DENIED = 'ACCESS_DENIED',
  NO_SUCH_BUCKET = 'NO_SUCH_BUCKET',
  NO_SUCH_KEY = 'NO_SUCH_KEY',
  WRONG_REGION = 'WRONG_REGION',
  ENDPOINT_UNREACHABLE = 'ENDPOINT_UNREACHABLE',
  TLS_FAILURE = 'TLS_FAILURE',
  THROTTLED = 'THROTTLED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  AWS_ERROR = 'AWS_ERROR',
  UNEXPECTED_ERROR = 'UNEXPECTED_ERROR',
  // egress guard
  EGRESS_DENIED = 'EGRESS_DENIED',
  INVALID_EGRESS_CONFIG = 'INVALID_EGRESS_CONFIG',
  // sealing and encryption at rest
  SEAL_OPEN_FAILED = 'SEAL_OPEN_FAILED',
  INVALID_SEALING_KEY = 'INVALID_SEALING_KEY',
  INVALID_SECRET_CONTEXT = 'INVALID_SECRET_CONTEXT',
  DECRYPT_FAILED = 'DECRYPT_FAILED',
  KEY_NOT_FOUND = 'KEY_NOT_FOUND',
  KEY_FILE_INSECURE = 'KEY_FILE_INSECURE',
  KEY_FILE_INVALID = 'KEY_FILE_INVALID',
}

export interface AuthExceptionOptions {
  hint?: string;
  details?: Readonly<Record<string, unknown>>;
  retryable?: boolean;
  cause?: unknown;
}

/** What went wrong, why, and what to do; never carries a secret. */
export class AuthException extends Error {
  readonly code: AuthErrorCode;
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;

  constructor(code: AuthErrorCode, message: string, options: AuthExceptionOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthException';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** A user-facing reason: the shape stored as a connection's status reason. */
export interface AccessProblem {
  code: AuthErrorCode;
  message: string;
  hint?: string;
  retryable: boolean;
}

export function isAuthException(error: unknown): error is AuthException {
  return error instanceof AuthException;
}

export function toAccessProblem(error: AuthException): AccessProblem {
  return {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    retryable: error.retryable,
  };
}

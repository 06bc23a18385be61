import { HttpStatus } from '@nestjs/common';

/**
 * An error answered to a REST caller: a stable code, a human message (what happened, why, what to do)
 * and optionally a hint and details. Services throw their own coded exceptions; the filter maps them.
 */
export class ApiException extends Error {
  override readonly name = 'ApiException';
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const CommonApiError = {
  Unauthorized: 'UNAUTHORIZED',
  NotFound: 'NOT_FOUND',
  ValidationFailed: 'VALIDATION_FAILED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  InvalidJson: 'INVALID_JSON',
  Conflict: 'CONFLICT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  InternalError: 'INTERNAL_ERROR',
} as const;

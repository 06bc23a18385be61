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
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  InvalidJson: 'INVALID_JSON',
  BodyTooDeep: 'BODY_TOO_DEEP',
  UnreadableBody: 'UNREADABLE_BODY',
  HeadersTooLarge: 'HEADERS_TOO_LARGE',
  MalformedRequest: 'MALFORMED_REQUEST',
  RequestTimeout: 'REQUEST_TIMEOUT',
  Conflict: 'CONFLICT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  InternalError: 'INTERNAL_ERROR',
} as const;

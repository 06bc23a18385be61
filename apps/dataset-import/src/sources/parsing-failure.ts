import { HttpStatus } from '@nestjs/common';
import type { ParsingError } from '@s3c/parsing';
import { ApiException } from '@s3c/nest-kit';

/** A file that cannot be read as configured: 422 with the parser's stable code and where it happened. */
export function parsingFailure(error: ParsingError): ApiException {
  return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, error.code, error.message, error.hint, error.details);
}

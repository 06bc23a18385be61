import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { JsonLogger } from '../logging/json-logger';
import { ApiException, CommonApiError } from './api-exception';

export interface ApiErrorBody {
  error: { code: string; message: string; hint?: string; details?: unknown };
}

function fromHttpException(exception: HttpException): ApiException {
  const status = exception.getStatus();
  const response = exception.getResponse() as { message?: string | string[]; error?: string; type?: string } | string;
  const messages = typeof response === 'string' ? [response] : [response.message ?? exception.message].flat();
  switch (status) {
    case HttpStatus.BAD_REQUEST: {
      const invalidJson = messages.some((message) => /JSON|Unexpected token|Expected/.test(String(message)));
      return invalidJson
        ? new ApiException(status, CommonApiError.InvalidJson, 'The request body is not valid JSON.')
        : new ApiException(status, CommonApiError.ValidationFailed, 'The request is invalid.', undefined, messages);
    }
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return new ApiException(status, CommonApiError.PayloadTooLarge, 'The request body is too large.');
    case HttpStatus.NOT_FOUND:
      return new ApiException(status, CommonApiError.NotFound, 'No such route or resource.');
    default:
      return new ApiException(status, `HTTP_${status}`, messages.join('; '));
  }
}

/** An error of the body-parsing layer (http-errors): a 4xx status it is safe to tell the caller about. */
interface ClientHttpError {
  status: number;
  expose: true;
  type?: string;
  message: string;
}

function isClientHttpError(exception: unknown): exception is ClientHttpError {
  const candidate = exception as Partial<ClientHttpError> | null | undefined;
  return (
    typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true
  );
}

/**
 * The body parser's refusals (size, charset, content encoding, a corrupt gzip stream, an aborted upload)
 * are the caller's mistakes: each keeps its 4xx status and gets a code instead of falling through to a 500.
 */
function fromClientHttpError(error: ClientHttpError): ApiException {
  switch (error.status) {
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return new ApiException(error.status, CommonApiError.PayloadTooLarge, 'The request body is too large.');
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return new ApiException(
        error.status,
        CommonApiError.UnsupportedMediaType,
        `The request body cannot be decoded: ${error.message}.`,
        'Send UTF-8 JSON, uncompressed or with Content-Encoding gzip, deflate or br.',
      );
    case HttpStatus.BAD_REQUEST:
      return error.type === 'entity.parse.failed'
        ? new ApiException(error.status, CommonApiError.InvalidJson, 'The request body is not valid JSON.')
        : new ApiException(error.status, CommonApiError.UnreadableBody, `The request body cannot be read: ${error.message}.`);
    default:
      return new ApiException(error.status, `HTTP_${error.status}`, error.message);
  }
}

/** Every REST error has the same shape: `{ "error": { code, message, hint?, details? } }`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let apiError: ApiException;
    if (exception instanceof ApiException) {
      apiError = exception;
    } else if (exception instanceof HttpException) {
      apiError = fromHttpException(exception);
    } else if (isClientHttpError(exception)) {
      apiError = fromClientHttpError(exception);
    } else {
      this.logger.event('error', 'Unhandled error', { error: exception }, 'Http');
      apiError = new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, CommonApiError.InternalError, 'Something went wrong on our side; it has been logged.');
    }
    const body: ApiErrorBody = {
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.hint ? { hint: apiError.hint } : {}),
        ...(apiError.details !== undefined ? { details: apiError.details } : {}),
      },
    };
    response.status(apiError.status).json(body);
  }
}

import { type ArgumentsHost, BadRequestException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { JsonLogger } from '../logging/json-logger';
import { ApiException } from './api-exception';
import { type ApiErrorBody, HttpExceptionFilter } from './http-exception.filter';

/** An error as body-parser builds it with http-errors: the status and `expose` on the error itself. */
function bodyParserError(status: number, message: string, type?: string): Error {
  return Object.assign(new Error(message), {
    status,
    statusCode: status,
    expose: status < 500,
    ...(type ? { type } : {}),
  });
}

function answer(exception: unknown): { status: number; body: ApiErrorBody; logged: string[] } {
  const logged: string[] = [];
  const filter = new HttpExceptionFilter(new JsonLogger('test', 'debug', (line) => logged.push(line)));
  const sent = { status: 0, body: undefined as unknown as ApiErrorBody };
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: ApiErrorBody) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  filter.catch(exception, host);
  return { ...sent, logged };
}

describe('HttpExceptionFilter', () => {
  it.each([
    [
      'an oversized body',
      bodyParserError(413, 'request entity too large', 'entity.too.large'),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an unsupported charset',
      bodyParserError(415, 'unsupported charset "LATIN1"', 'charset.unsupported'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown content encoding',
      bodyParserError(415, 'unsupported content encoding "fuzz"', 'encoding.unsupported'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a JSON parse failure',
      bodyParserError(400, 'Unexpected token', 'entity.parse.failed'),
      400,
      'INVALID_JSON',
    ],
    [
      'a corrupt gzip stream',
      Object.assign(bodyParserError(400, 'incorrect header check'), { code: 'Z_DATA_ERROR' }),
      400,
      'UNREADABLE_BODY',
    ],
    ['an aborted upload', bodyParserError(400, 'request aborted', 'request.aborted'), 400, 'UNREADABLE_BODY'],
    [
      'a failed body verification',
      bodyParserError(403, 'invalid signature', 'entity.verify.failed'),
      403,
      'HTTP_403',
    ],
  ])(
    'should answer %s from the body parser with its 4xx status and a code',
    (_label, error, status, code) => {
      const { status: sentStatus, body, logged } = answer(error);

      expect({ status: sentStatus, code: body.error.code }).toEqual({ status, code });
      expect(logged).toEqual([]);
    },
  );

  it('should answer an unexpected error with 500 INTERNAL_ERROR and log it', () => {
    const { status, body, logged } = answer(
      new TypeError("Cannot read properties of undefined (reading 'includes')"),
    );

    expect({ status, code: body.error.code }).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
    expect(logged).toHaveLength(1);
  });

  it('should not trust a 4xx status on an error that is not marked safe to expose', () => {
    const { status, body } = answer(Object.assign(new Error('internal detail'), { status: 400 }));

    expect({ status, code: body.error.code }).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('should answer a coded ApiException as it is', () => {
    const { status, body } = answer(
      new ApiException(HttpStatus.CONFLICT, 'IMPORT_IN_PROGRESS', 'An import is running.', 'Wait.'),
    );

    expect({ status, body }).toEqual({
      status: 409,
      body: { error: { code: 'IMPORT_IN_PROGRESS', message: 'An import is running.', hint: 'Wait.' } },
    });
  });

  it('should answer validation failures with VALIDATION_FAILED and their messages', () => {
    const { status, body } = answer(new BadRequestException(['title must be a string']));

    expect({ status, code: body.error.code, details: body.error.details }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: ['title must be a string'],
    });
  });
});

import type { NextFunction, Request, Response } from 'express';
import { ApiException } from './api-exception';
import {
  checkRequestShape,
  findShapeProblem,
  MAX_BODY_DEPTH,
  requireJsonBody,
} from './request-shape.middleware';

function nestedObjects(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) {
    value = { a: value };
  }
  return value;
}

/** A request as the middlewares see it; `is()` answers like Express for the declared content type. */
function fakeRequest({
  headers = {},
  body,
  query = {},
}: {
  headers?: Record<string, string>;
  body?: unknown;
  query?: object;
}): Request {
  return {
    headers,
    body,
    query,
    is: (type: string) => (headers['content-type']?.split(';')[0].trim() === type ? type : false),
  } as unknown as Request;
}

/** Runs a middleware and returns what it passed to next(): undefined to go on, or the error. */
function run(
  middleware: (request: Request, response: Response, next: NextFunction) => void,
  request: Request,
): unknown {
  let passed: unknown = 'next was not called';
  middleware(request, {} as Response, (error?: unknown) => {
    passed = error;
  });
  return passed;
}

describe('findShapeProblem', () => {
  it('should accept a body nested exactly to the limit', () => {
    expect(findShapeProblem(nestedObjects(MAX_BODY_DEPTH))).toBeUndefined();
  });

  it('should report a body nested one level beyond the limit', () => {
    expect(findShapeProblem(nestedObjects(MAX_BODY_DEPTH + 1))).toEqual({ kind: 'too-deep' });
  });

  it('should walk 100 000 nested arrays without overflowing the stack when the body is hostile', () => {
    const hostile = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;

    expect(findShapeProblem(hostile)).toEqual({ kind: 'too-deep' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'should report a %s key with its path when it is nested',
    (key) => {
      const body = JSON.parse(`{"source":{"config":{"${key}":{"polluted":true}}}}`) as unknown;

      expect(findShapeProblem(body)).toEqual({ kind: 'prototype-key', path: `source.config.${key}` });
    },
  );

  it('should accept scalars, empty bodies and ordinary keys when nothing is hostile', () => {
    expect(
      [undefined, null, 'text', 12, {}, [], { title: 'x', fields: [{ name: 'a' }] }].map((value) =>
        findShapeProblem(value),
      ),
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('requireJsonBody', () => {
  it('should refuse a non-empty text/plain body with 415 UNSUPPORTED_MEDIA_TYPE', () => {
    const passed = run(
      requireJsonBody,
      fakeRequest({ headers: { 'content-type': 'text/plain', 'content-length': '2' } }),
    );

    expect(passed).toBeInstanceOf(ApiException);
    expect(passed).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('should refuse a non-empty body without a content type', () => {
    expect(run(requireJsonBody, fakeRequest({ headers: { 'content-length': '12' } }))).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('should refuse a chunked body that declares another type', () => {
    const request = fakeRequest({
      headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(run(requireJsonBody, request)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it.each([
    ['a JSON body', { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' }],
    ['Content-Length 0 without a type', { 'content-length': '0' }],
    ['an empty chunked body without a type', { 'transfer-encoding': 'chunked' }],
    ['no body at all', {}],
  ])('should let %s through', (_label, headers: Record<string, string>) => {
    expect(run(requireJsonBody, fakeRequest({ headers }))).toBeUndefined();
  });
});

describe('checkRequestShape', () => {
  it('should refuse a body nested too deep with 400 BODY_TOO_DEEP', () => {
    expect(run(checkRequestShape, fakeRequest({ body: nestedObjects(MAX_BODY_DEPTH + 1) }))).toMatchObject({
      status: 400,
      code: 'BODY_TOO_DEEP',
    });
  });

  it('should refuse a prototype key in the body as a property that should not exist', () => {
    const body = JSON.parse('{"title":"x","__proto__":{"polluted":true}}') as unknown;

    expect(run(checkRequestShape, fakeRequest({ body }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: ['property __proto__ should not exist'],
    });
  });

  it('should refuse a prototype key in the query string', () => {
    expect(run(checkRequestShape, fakeRequest({ query: { limit: '5', constructor: '1' } }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: ['property constructor should not exist'],
    });
  });

  it('should let an ordinary body and query through', () => {
    expect(
      run(
        checkRequestShape,
        fakeRequest({ body: { title: 'x', auth: { method: 'sigv4' } }, query: { limit: '5' } }),
      ),
    ).toBeUndefined();
  });
});

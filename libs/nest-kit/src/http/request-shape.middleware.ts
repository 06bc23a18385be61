import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiException, CommonApiError } from './api-exception';

/**
 * Far deeper than any DTO (three or four levels), far shallower than what overflows the stack of the
 * recursive steps after parsing (Nest's proto-key stripping, class-transformer, class-validator): a
 * 10 000-level body used to end as a 500 "Maximum call stack size exceeded".
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys that change an object's prototype when assigned. Nest's ValidationPipe strips `__proto__` and
 * class-transformer skips `constructor`, both silently, so the whitelist never sees them: refused here.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type RequestShapeProblem = { kind: 'too-deep' } | { kind: 'prototype-key'; path: string };

/** Walks a parsed body or query with an explicit stack: a recursive walk would overflow on the input it guards against. */
export function findShapeProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): RequestShapeProblem | undefined {
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, depth, path } = next;
    if (current === null || typeof current !== 'object') {
      continue;
    }
    if (depth >= maxDepth) {
      return { kind: 'too-deep' };
    }
    const isArray = Array.isArray(current);
    for (const key of Object.keys(current)) {
      const childPath = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!isArray && PROTOTYPE_KEYS.has(key)) {
        return { kind: 'prototype-key', path: childPath };
      }
      pending.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1, path: childPath });
    }
  }
  return undefined;
}

/**
 * The APIs take JSON only. Any other body type reached the handler as an empty or form-parsed object:
 * a text/plain request was validated as `{}` (a misleading "title must be a string") or, where every
 * field is optional, executed.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  // An empty body is no body whatever its headers: `Content-Length: 0`, or the empty chunked body Node's
  // client sends with a bodiless POST. A chunked body is taken as content only when it declares a type.
  const declaredLength = request.headers['content-length'];
  const hasContent =
    declaredLength !== undefined
      ? Number(declaredLength) > 0
      : request.headers['transfer-encoding'] !== undefined && request.headers['content-type'] !== undefined;
  if (hasContent && !request.is('application/json')) {
    const sent = (request.headers['content-type'] ?? 'no Content-Type').slice(0, 100);
    next(
      new ApiException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        CommonApiError.UnsupportedMediaType,
        `The request body must be JSON; it was sent as ${sent}.`,
        'Send the body with the header `Content-Type: application/json`.',
      ),
    );
    return;
  }
  next();
}

/** Runs after the JSON parser: refuses bodies nested beyond MAX_BODY_DEPTH and prototype keys in the body or query. */
export function checkRequestShape(request: Request, _response: Response, next: NextFunction): void {
  const problem = findShapeProblem(request.body) ?? findShapeProblem(request.query);
  if (problem?.kind === 'too-deep') {
    next(
      new ApiException(
        HttpStatus.BAD_REQUEST,
        CommonApiError.BodyTooDeep,
        `The request body nests objects or arrays deeper than ${MAX_BODY_DEPTH} levels.`,
      ),
    );
    return;
  }
  if (problem?.kind === 'prototype-key') {
    // Worded like the whitelist's refusal of any other unknown property.
    next(
      new ApiException(
        HttpStatus.BAD_REQUEST,
        CommonApiError.ValidationFailed,
        'The request is invalid.',
        undefined,
        [`property ${problem.path} should not exist`],
      ),
    );
    return;
  }
  next();
}

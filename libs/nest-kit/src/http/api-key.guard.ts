import { type CanActivate, createParamDecorator, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiException, CommonApiError } from './api-exception';
import { apiKeyMatches, parseApiKey } from './api-key';

export interface StoredApiKey {
  domain: string;
  secretHash: string;
}

/** Where a service finds the API keys it accepts (its own collection, fed by api-key events). */
export interface ApiKeyLookup {
  findActive(keyId: string): Promise<StoredApiKey | null>;
}
export const API_KEY_LOOKUP = Symbol('API_KEY_LOOKUP');

type AuthenticatedRequest = Request & { domain?: string };

function unauthorized(message: string): ApiException {
  return new ApiException(HttpStatus.UNAUTHORIZED, CommonApiError.Unauthorized, message, 'Send the header `Authorization: Apikey <key>`; create a key with `npm run domain:create -- <domain>`.');
}

/** `Authorization: Apikey <key>`: the key's domain scopes everything the request can see. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(API_KEY_LOOKUP) private readonly keys: ApiKeyLookup) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const [scheme, token] = header.split(' ', 2);
    if (scheme?.toLowerCase() !== 'apikey' || !token) {
      throw unauthorized('Missing API key.');
    }
    const parsed = parseApiKey(token.trim());
    const stored = parsed ? await this.keys.findActive(parsed.keyId) : null;
    if (!parsed || !stored || !apiKeyMatches(parsed.secret, stored.secretHash)) {
      throw unauthorized('Invalid API key.');
    }
    request.domain = stored.domain;
    return true;
  }
}

/** The authenticated caller's domain (set by ApiKeyGuard). */
export const CallerDomain = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const domain = context.switchToHttp().getRequest<AuthenticatedRequest>().domain;
  if (!domain) {
    throw unauthorized('Missing API key.');
  }
  return domain;
});

import { randomUUID } from 'node:crypto';
import { DOMAIN_PATTERN } from '@s3c/contracts';
import { AuthErrorCode, AuthException } from './auth.exception';

/** The platform's domain identifiers (one rule, in libs/contracts): lower-case letters, digits and dashes. */
export { DOMAIN_PATTERN };
const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const EXTERNAL_ID_PATTERN = new RegExp(`^ods-(${DOMAIN_PATTERN.source.slice(1, -1)})-(${UUID_V4})$`);

export interface ParsedExternalId {
  externalId: string;
  domain: string;
  uuid: string;
}

export function assertValidDomain(domain: string): string {
  if (!DOMAIN_PATTERN.test(domain)) {
    throw new AuthException(
      AuthErrorCode.INVALID_DOMAIN,
      `"${domain.slice(0, 80)}" is not a valid domain identifier.`,
      {
        hint: 'A domain identifier has 1 to 63 lower-case letters, digits and dashes, and starts with a letter or digit.',
      },
    );
  }
  return domain;
}

/**
 * The platform, never the client, chooses the external ID: `ods-<domain>-<uuid v4>`. Being
 * unguessable and unique per connection is what defeats the confused deputy.
 */
export function generateExternalId(domain: string, uuid: () => string = randomUUID): string {
  const externalId = `ods-${assertValidDomain(domain)}-${uuid()}`;
  return parseExternalId(externalId).externalId;
}

export function isValidExternalId(value: string): boolean {
  return EXTERNAL_ID_PATTERN.test(value);
}

export function parseExternalId(value: string): ParsedExternalId {
  const match = EXTERNAL_ID_PATTERN.exec(value);
  if (match === null) {
    throw new AuthException(
      AuthErrorCode.INVALID_EXTERNAL_ID,
      'The external ID is not one the platform generates.',
      {
        hint: 'External IDs read ods-<domain>-<uuid v4> and are generated when the connection is created.',
      },
    );
  }
  return { externalId: value, domain: match[1], uuid: match[2] };
}

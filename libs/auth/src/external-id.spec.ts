import { AuthErrorCode } from './auth.exception';
import { assertValidDomain, generateExternalId, isValidExternalId, parseExternalId } from './external-id';
import { errorCodeOf } from './testing/error-code';

describe('external IDs', () => {
  it('should generate ods-<domain>-<uuid v4> when the domain is valid', () => {
    // Act
    const externalId = generateExternalId('mvdomain', () => '2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c');

    // Assert
    expect(externalId).toBe('ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c');
  });

  it('should generate a different external ID on each call when using random UUIDs', () => {
    // Act
    const ids = new Set(Array.from({ length: 20 }, () => generateExternalId('my-domain-2')));

    // Assert
    expect([ids.size, [...ids].every(isValidExternalId)]).toEqual([20, true]);
  });

  it.each(['MyDomain', 'my_domain', '-domain', '', 'a'.repeat(64), 'dom ain', 'domaine.fr'])(
    'should refuse domain "%s" with INVALID_DOMAIN',
    (domain) => {
      // Act / Assert
      expect(errorCodeOf(() => generateExternalId(domain))).toBe(AuthErrorCode.INVALID_DOMAIN);
    },
  );

  it.each(['mvdomain', 'my-domain', '0domain', 'a'.repeat(63)])('should accept domain "%s"', (domain) => {
    // Act / Assert
    expect(assertValidDomain(domain)).toBe(domain);
  });

  it('should refuse a UUID that is not version 4 when the generator returns one', () => {
    // Act / Assert
    expect(
      errorCodeOf(() => generateExternalId('mvdomain', () => '2fa5c43c-35bf-1e1a-8da5-45f7cd8b4f6c')),
    ).toBe(AuthErrorCode.INVALID_EXTERNAL_ID);
  });

  it('should parse a domain containing dashes when reading an external ID', () => {
    // Act
    const parsed = parseExternalId('ods-my-domain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c');

    // Assert
    expect(parsed).toEqual({
      externalId: 'ods-my-domain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
      domain: 'my-domain',
      uuid: '2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
    });
  });

  it.each([
    'ods-mvdomain',
    'xyz-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
    'ods-mvdomain-2FA5C43C-35BF-4E1A-8DA5-45F7CD8B4F6C',
    'my-own-external-id',
  ])('should refuse "%s" with INVALID_EXTERNAL_ID', (value) => {
    // Act / Assert
    expect(errorCodeOf(() => parseExternalId(value))).toBe(AuthErrorCode.INVALID_EXTERNAL_ID);
  });
});

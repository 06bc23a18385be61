import { AuthErrorCode } from './auth.exception';
import { createPlatformStsClient } from './sts-client.factory';
import { asyncErrorCodeOf, errorCodeOf } from './testing/error-code';

describe('createPlatformStsClient', () => {
  it.each([
    ['no credentials', undefined],
    ['an empty access key', { accessKeyId: '', secretAccessKey: 'x' }],
    ['an empty secret', { accessKeyId: 'AKIA', secretAccessKey: '' }],
  ])('should refuse %s with PLATFORM_CREDENTIALS_MISSING', (_label, credentials) => {
    // Act / Assert
    expect(errorCodeOf(() => createPlatformStsClient({ region: 'eu-west-3', credentials }))).toBe(
      AuthErrorCode.PLATFORM_CREDENTIALS_MISSING,
    );
  });

  it('should use exactly the given credentials when they are static', async () => {
    // Act
    const client = createPlatformStsClient({
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIAPLATFORM', secretAccessKey: 'secret' },
    });
    const identity = await client.config.credentials();

    // Assert
    expect(identity.accessKeyId).toBe('AKIAPLATFORM');
  });

  it('should refuse a provider that resolves to nothing when credentials are needed', async () => {
    // Arrange
    const client = createPlatformStsClient({
      region: 'eu-west-3',
      credentials: async () => ({ accessKeyId: '', secretAccessKey: '' }),
    });

    // Act / Assert
    expect(await asyncErrorCodeOf(() => client.config.credentials())).toBe(
      AuthErrorCode.PLATFORM_CREDENTIALS_MISSING,
    );
  });
});

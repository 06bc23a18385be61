import { ConfigValidationError, loadConfig } from '@s3c/nest-kit';
import { CredentialBrokerConfig } from './credential-broker.config';

const VALID_ENV = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  PLATFORM_AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE01',
  PLATFORM_AWS_SECRET_ACCESS_KEY: 'platform-secret-example',
};

/** The variables the config refuses, or the loaded margin. */
function refreshMarginOf(env: Record<string, string>): number | undefined | string[] {
  try {
    return loadConfig(CredentialBrokerConfig, { ...VALID_ENV, ...env }).STS_SESSION_REFRESH_MARGIN_SECONDS;
  } catch (error) {
    return (error as ConfigValidationError).problems.map((problem) => problem.variable);
  }
}

describe('CredentialBrokerConfig role sessions', () => {
  it('should leave the refresh margin to the session cache when it is not set', () => {
    // Act / Assert
    expect(refreshMarginOf({})).toBeUndefined();
  });

  it.each([
    ['60', '3600', 60],
    ['899', '900', 899],
    ['3000', '3600', 3000],
  ])('should accept a refresh margin of %s s for %s-second sessions', (margin, duration, expected) => {
    // Act / Assert
    expect(
      refreshMarginOf({ STS_SESSION_REFRESH_MARGIN_SECONDS: margin, STS_SESSION_DURATION_SECONDS: duration }),
    ).toBe(expected);
  });

  it.each([
    ['59', '3600'],
    ['900', '900'],
    ['2000', '1800'],
    ['soon', '3600'],
  ])('should refuse a refresh margin of %s s for %s-second sessions', (margin, duration) => {
    // Act / Assert
    expect(
      refreshMarginOf({ STS_SESSION_REFRESH_MARGIN_SECONDS: margin, STS_SESSION_DURATION_SECONDS: duration }),
    ).toEqual(['STS_SESSION_REFRESH_MARGIN_SECONDS']);
  });

  it('should refuse sessions shorter than STS allows', () => {
    // Act / Assert
    expect(refreshMarginOf({ STS_SESSION_DURATION_SECONDS: '600' })).toEqual([
      'STS_SESSION_DURATION_SECONDS',
    ]);
  });
});

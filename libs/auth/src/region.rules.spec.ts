import { AuthErrorCode } from './auth.exception';
import {
  assertRegionMatchesLocation,
  assertValidRegion,
  isAwsRegion,
  isValidRegion,
  partitionForRegion,
} from './region.rules';
import { S3Endpoint, S3Provider } from './s3-location.types';
import { errorCodeOf } from './testing/error-code';

describe('region rules', () => {
  it.each([
    ['us-east-1', 'aws', true],
    ['eu-west-3', 'aws', true],
    ['us-gov-west-1', 'aws', true],
    ['cn-north-1', 'aws', true],
    ['ap-southeast-5', 'aws', true],
    ['us-isob-east-1', 'aws', true],
    ['eusc-de-east-1', 'aws', true],
    ['gra', 'aws', false],
    ['EU-WEST-3', 'aws', false],
    ['eu-west', 'aws', false],
    ['eu_west_3', 'aws', false],
    ['gra', 'ovh', true],
    ['bhs', 'ovh', true],
    ['eu-west-par', 'ovh', true],
    ['fr-par', 'scaleway', true],
    ['auto', 'r2', true],
    ['eu-central-1', 'wasabi', true],
    ['us-east-1', 'custom', true],
    ['Gra', 'ovh', false],
    ['gra-', 'ovh', false],
    ['', 'custom', false],
    ['a'.repeat(33), 'custom', false],
  ] as [string, S3Provider, boolean][])('should say %s is valid for %s: %s', (region, provider, expected) => {
    // Act / Assert
    expect(isValidRegion(region, provider)).toBe(expected);
  });

  it('should default to the AWS rule when no provider is given', () => {
    // Act / Assert
    expect([isValidRegion('gra'), isAwsRegion('eu-west-3')]).toEqual([false, true]);
  });

  it.each([
    [undefined, 'aws'],
    ['', 'ovh'],
    ['europe', 'aws'],
  ] as [string | undefined, S3Provider][])(
    'should refuse region %s for %s with INVALID_REGION',
    (region, provider) => {
      // Act / Assert
      expect(errorCodeOf(() => assertValidRegion(region, provider))).toBe(AuthErrorCode.INVALID_REGION);
    },
  );

  const endpoint = (provider: S3Provider, region: string | undefined): S3Endpoint => ({
    endpoint: undefined,
    region,
    forcePathStyle: false,
    provider,
  });

  it.each([
    ['eu-west-3', endpoint('aws', 'eu-west-3'), undefined],
    ['eu-west-3', endpoint('aws', undefined), undefined],
    ['eu-west-1', endpoint('aws', 'eu-west-3'), AuthErrorCode.REGION_MISMATCH],
    ['gra', endpoint('ovh', 'bhs'), AuthErrorCode.REGION_MISMATCH],
    ['bhs', endpoint('ovh', 'bhs'), undefined],
    ['auto', endpoint('r2', 'auto'), undefined],
    ['us-east-1', endpoint('r2', 'auto'), undefined],
    ['eu-west-3', endpoint('r2', 'auto'), AuthErrorCode.REGION_MISMATCH],
    ['gra', endpoint('aws', undefined), AuthErrorCode.INVALID_REGION],
  ] as [string, S3Endpoint, AuthErrorCode | undefined][])(
    'should check region %s against %o',
    (region, location, expected) => {
      // Act / Assert
      expect(errorCodeOf(() => assertRegionMatchesLocation(region, location))).toBe(expected);
    },
  );

  it.each([
    ['eu-west-3', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eusc-de-east-1', 'aws-eusc'],
    [undefined, 'aws'],
  ])('should put region %s in partition %s', (region, partition) => {
    // Act / Assert
    expect(partitionForRegion(region)).toBe(partition);
  });
});

import { AuthErrorCode, AuthException } from './auth.exception';
import { S3Endpoint, S3Provider } from './s3-location.types';

// AWS regions: a 2–4 letter area (us, eu, cn, eusc…), optional qualifiers (gov, iso…), a direction, a number.
const AWS_REGION_PATTERN = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
// S3-compatible stores use short names: gra, bhs, fr-par, nl-ams, auto, eu-central-1…
const COMPATIBLE_REGION_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_REGION_LENGTH = 32;

/** R2 signs with `auto`, and also accepts `us-east-1` as an alias of it. */
const R2_REGION_ALIASES = new Set(['auto', 'us-east-1']);

export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-eusc';

export function isAwsRegion(region: string): boolean {
  return region.length <= MAX_REGION_LENGTH && AWS_REGION_PATTERN.test(region);
}

export function isValidRegion(region: string, provider: S3Provider = 'aws'): boolean {
  if (provider === 'aws') {
    return isAwsRegion(region);
  }
  return region.length <= MAX_REGION_LENGTH && COMPATIBLE_REGION_PATTERN.test(region);
}

export function assertValidRegion(region: string | undefined, provider: S3Provider = 'aws'): string {
  if (region === undefined || region === '') {
    throw new AuthException(AuthErrorCode.INVALID_REGION, 'The region is missing.', {
      hint:
        provider === 'aws'
          ? 'Set the region of the bucket, e.g. eu-west-3.'
          : 'Set the region of the S3-compatible store, e.g. gra or fr-par.',
    });
  }
  if (!isValidRegion(region, provider)) {
    throw new AuthException(
      AuthErrorCode.INVALID_REGION,
      `"${region}" is not a valid ${provider === 'aws' ? 'AWS ' : ''}region name.`,
      {
        hint:
          provider === 'aws'
            ? 'AWS regions look like us-east-1, eu-west-3, us-gov-west-1 or cn-north-1.'
            : 'Region names are lower-case letters, digits and dashes, e.g. gra, bhs, fr-par or auto.',
        details: { region, provider },
      },
    );
  }
  return region;
}

/** The region chosen on the connection must agree with the region the URL's host names, when it names one. */
export function assertRegionMatchesLocation(region: string, location: S3Endpoint): void {
  assertValidRegion(region, location.provider);
  if (location.region === undefined || location.region === region) {
    return;
  }
  if (location.provider === 'r2' && R2_REGION_ALIASES.has(region)) {
    return;
  }
  throw new AuthException(
    AuthErrorCode.REGION_MISMATCH,
    `The region ${region} does not match the region ${location.region} named by the URL's host.`,
    {
      hint: `Set the region to ${location.region}, or use the URL of the bucket's region.`,
      details: { region, hostRegion: location.region },
    },
  );
}

/** ARNs are partition-specific: a policy for a China or GovCloud bucket must say so. */
export function partitionForRegion(region: string | undefined): AwsPartition {
  if (region === undefined) {
    return 'aws';
  }
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  if (region.startsWith('us-isob-')) {
    return 'aws-iso-b';
  }
  if (region.startsWith('us-iso-')) {
    return 'aws-iso';
  }
  if (region.startsWith('eusc-')) {
    return 'aws-eusc';
  }
  return 'aws';
}

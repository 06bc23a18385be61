import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials, IntegrationEnvironment } from './integration-environment';

type AwsTarget = Pick<IntegrationEnvironment, 'awsEndpoint' | 'awsRegion'>;

/** SDK clients aimed at the local AWS server; S3 path-style, checksums only when required. */
export function localAwsClients(environment: AwsTarget, credentials: AwsCredentials) {
  const common = { endpoint: environment.awsEndpoint, region: environment.awsRegion, credentials, maxAttempts: 1 };
  return {
    s3: new S3Client({
      ...common,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    sts: new STSClient(common),
    iam: new IAMClient(common),
  };
}

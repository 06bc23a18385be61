import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials, IntegrationEnvironment } from './integration-environment';
import { uniqueName } from './unique-names';

type AwsTarget = Pick<IntegrationEnvironment, 'awsEndpoint' | 'awsRegion'>;

/** SDK clients aimed at the local AWS server; S3 path-style, checksums only when required. */
export function localAwsClients(environment: AwsTarget, credentials: AwsCredentials) {
  const common = {
    endpoint: environment.awsEndpoint,
    region: environment.awsRegion,
    credentials,
    maxAttempts: 1,
  };
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

/** A new IAM user allowed `actions` on `resources`, and its access key: the keys of a signature v4 connection. */
export async function createIamUser(
  iam: IAMClient,
  {
    actions,
    resources,
    namePrefix = 's3-reader',
  }: { actions: string[]; resources: string[]; namePrefix?: string },
): Promise<AwsCredentials> {
  const userName = uniqueName(namePrefix);
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: 'access',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
}

/** Read access to one bucket (objects and listing). */
export function bucketReaderPolicy(bucket: string): { actions: string[]; resources: string[] } {
  return {
    actions: ['s3:GetObject', 's3:ListBucket'],
    resources: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  };
}

/** A new bucket in the environment's region, holding `objects` (key → content). */
export async function createBucketWith(
  s3: S3Client,
  environment: AwsTarget,
  bucket: string,
  objects: Record<string, string | Uint8Array> = {},
): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: environment.awsRegion as BucketLocationConstraint },
    }),
  );
  await Promise.all(
    Object.entries(objects).map(([key, body]) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    ),
  );
}

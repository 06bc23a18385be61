import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { currentEnvironment } from './integration-environment';
import { localAwsClients } from './local-aws';
import { uniqueName } from './unique-names';

const environment = currentEnvironment();
const admin = localAwsClients(environment, environment.adminCredentials);
const platform = localAwsClients(environment, environment.platformCredentials);

async function errorNameOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    return (error as Error).name;
  }
  return 'no error';
}

describe('the local AWS server (IAM enforcement on)', () => {
  it('should store an object and serve it whole and by byte range', async () => {
    const bucket = uniqueName('env-bucket');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fruits.csv', Body: 'name;price\napple;1.5\npear;2\n' }));

    const whole = await admin.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'fruits.csv' }));
    const range = await admin.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'fruits.csv', Range: 'bytes=11-19' }));

    expect(await whole.Body?.transformToString()).toBe('name;price\napple;1.5\npear;2\n');
    expect(await range.Body?.transformToString()).toBe('apple;1.5');
    expect(range.ContentRange).toBe('bytes 11-19/28');
  });

  it("should tell the platform identity who it is", async () => {
    const identity = await platform.sts.send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe(environment.platformAccountId);
    expect(identity.Arn).toBe(`arn:aws:iam::${environment.platformAccountId}:user/ods-platform`);
  });

  it('should let the platform assume a role that trusts it with the right external ID, and only then', async () => {
    const roleName = uniqueName('customer-role');
    const externalId = `ods-mvdomain-${uniqueName('x')}`;
    const { Arn: platformArn } = await platform.sts.send(new GetCallerIdentityCommand({}));
    const { Role } = await admin.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: platformArn },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': externalId } },
            },
          ],
        }),
      }),
    );
    await admin.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'read-one-object',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::mybucket/test.csv' }],
        }),
      }),
    );

    const assumed = await platform.sts.send(
      new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'ods-test', ExternalId: externalId }),
    );
    const refused = await errorNameOf(
      platform.sts.send(new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'ods-test', ExternalId: 'ods-other' })),
    );

    expect(assumed.Credentials?.SessionToken).toEqual(expect.any(String));
    expect(assumed.AssumedRoleUser?.Arn).toContain(`assumed-role/${roleName}/ods-test`);
    expect(refused).toBe('AccessDenied');
  });

  it('should refuse unsigned requests and requests signed with a wrong secret', async () => {
    const unsigned = await fetch(`${environment.awsEndpoint}/`);
    const unsignedBody = await unsigned.text();
    const wrongSecret = localAwsClients(environment, {
      accessKeyId: environment.adminCredentials.accessKeyId,
      secretAccessKey: 'not-the-secret-0000000000000000000000000',
    });
    const unknownKey = localAwsClients(environment, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40) });

    // AWS answers 403; moto with enforcement on fails the unsigned request (500) — refused either way.
    expect(unsigned.status).toBeGreaterThanOrEqual(403);
    expect(unsignedBody).not.toContain('ListAllMyBucketsResult');
    expect(await errorNameOf(wrongSecret.s3.send(new ListBucketsCommand({})))).toBe('SignatureDoesNotMatch');
    expect(await errorNameOf(unknownKey.s3.send(new ListBucketsCommand({})))).toBe('InvalidAccessKeyId');
  });

  it("should refuse S3 access to the platform identity, whose policy allows STS only", async () => {
    expect(await errorNameOf(platform.s3.send(new ListBucketsCommand({})))).toBe('AccessDenied');
  });
});

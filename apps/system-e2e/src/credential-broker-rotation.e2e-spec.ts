import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ApiClient, ConnectorStack, createBucketWith, localAwsClients, uniqueName } from '@s3c/testing';

const ROOT = path.resolve(__dirname, '../../..');

interface ConnectionBody {
  id: string;
  status: 'valid' | 'invalid';
  status_reason: { code: string } | null;
}

describe('the key rotation command (broker:rotate-kek) against the running connector', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('water');
  let api: ApiClient;
  let connection: ConnectionBody;

  /** The built command, with the broker's environment, as `npm run broker:rotate-kek` runs it. */
  function rotateKek(...args: string[]): { status: number | null; lines: string[]; stderr: string } {
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/apps/credential-broker/src/rotate-kek.js'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
  }

  beforeAll(async () => {
    await stack.start();
    api = new ApiClient(stack.apps.connections.baseUrl, stack.createDomainKey(uniqueName('mvdomain')));
    await createBucketWith(admin.s3, environment, bucket, { 'test.csv': 'name;price\napple;1.5\n' });
    const userName = uniqueName('s3-reader');
    await admin.iam.send(new CreateUserCommand({ UserName: userName }));
    await admin.iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
        }),
      }),
    );
    const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', {
      title: 'Rotated',
      type: 's3',
      auth: {
        method: 'sigv4',
        url: `${environment.awsEndpoint}/${bucket}/test.csv`,
        region: environment.awsRegion,
        access_key: AccessKey?.AccessKeyId,
        secret_access_key: AccessKey?.SecretAccessKey,
      },
    });
    connection = created.body;
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('should rotate the key file and re-encrypt the stored secret, then re-encrypt 0 on a second run', () => {
    expect(connection.status).toBe('valid');

    const first = rotateKek();
    const second = rotateKek('--reencrypt-only');

    expect(first.status).toBe(0);
    expect(first.lines[0]).toMatch(/^Rotated the local key file: new active key local-/);
    expect(first.lines.at(-1)).toBe('re-encrypted 1, already current 0');
    expect(second.status).toBe(0);
    expect(second.lines.at(-1)).toBe('re-encrypted 0, already current 1');
  });

  it('should keep the connection valid after the rotation, the running broker reading the re-encrypted secret', async () => {
    rotateKek();

    const validated = await api.call<ConnectionBody>('POST', `/api/v1/connections/${connection.id}/validate`);

    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ status: 'valid', status_reason: null });
  });

  it('should exit 2 and change nothing when given an unknown option', () => {
    const run = rotateKek('--force');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('INVALID_ARGUMENTS');
  });
});

import { PlatformAws } from './aws/platform-aws';
import {
  BrokerHarness,
  CustomerAccount,
  newConnectionId,
  newDomain,
  sigv4Auth,
} from '../test/broker-harness';

describe('credential broker: signed object requests for the importer (OBJECT_REQUEST_SIGN_V1)', () => {
  // Short role sessions: the cache must still hand out one session for both requests.
  const harness = new BrokerHarness({ STS_SESSION_DURATION_SECONDS: '900' });
  const account = new CustomerAccount();
  let reader: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    await Promise.all([harness.start(), account.createBucket()]);
    reader = await account.createReader();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  /** A signature v4 connection as the broker knows it after the connections service validated it. */
  async function validSigv4Connection(): Promise<{ domain: string; connectionId: string }> {
    const domain = newDomain();
    const connectionId = newConnectionId();
    const auth = sigv4Auth(account.objectUrl, harness.environment.awsRegion, reader.accessKeyId);
    const reply = await harness.validate({
      domain,
      connectionId,
      auth,
      secrets: { secretAccessKey: reader.secretAccessKey },
    });
    expect(reply.status).toBe('valid');
    await harness.publishConnection({ domain, connectionId, auth, status: 'valid' });
    return { domain, connectionId };
  }

  it('should answer CONNECTION_NOT_FOUND when the connection belongs to another domain', async () => {
    const { domain, connectionId } = await validSigv4Connection();
    expect(await harness.signWhenApplied({ domain, connectionId, method: 'HEAD' })).toBeUndefined();

    const code = await harness.signRefusal({ domain: newDomain(), connectionId, method: 'HEAD' });

    expect(code).toBe('CONNECTION_NOT_FOUND');
  });

  it('should answer CONNECTION_NOT_VALID when the connection is not valid', async () => {
    const domain = newDomain();
    const connectionId = newConnectionId();
    await harness.publishConnection({
      domain,
      connectionId,
      auth: sigv4Auth(account.objectUrl, harness.environment.awsRegion, reader.accessKeyId),
      status: 'invalid',
    });

    const code = await harness.signWhenApplied({ domain, connectionId, method: 'GET' });

    expect(code).toBe('CONNECTION_NOT_VALID');
  });

  it('should seal a ranged GET to the requester that the object store accepts as signed, and refuses once the range is changed', async () => {
    const { domain, connectionId } = await validSigv4Connection();
    expect(await harness.signWhenApplied({ domain, connectionId, method: 'HEAD' })).toBeUndefined();

    const signed = await harness.sign({ domain, connectionId, method: 'GET', range: 'bytes=0-9' });
    const response = await fetch(signed.url, { method: signed.method, headers: signed.headers });
    const tampered = await fetch(signed.url, {
      method: signed.method,
      headers: { ...signed.headers, range: 'bytes=0-19' },
    });

    expect(signed).toMatchObject({ method: 'GET', bucket: account.bucket, key: account.key });
    expect(new Date(signed.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(response.status).toBe(206);
    expect(await response.text()).toBe(account.content.slice(0, 10));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');
  });

  it('should sign both reads of an IAM-role connection with one role session', async () => {
    const domain = newDomain();
    const connectionId = newConnectionId();
    const externalId = `ods-${domain}-${newConnectionId()}`;
    const roleArn = await account.createRole(externalId);
    const auth = {
      method: 'iam_role' as const,
      region: harness.environment.awsRegion,
      roleArn,
      externalId,
      secretAccessKeySet: false,
      headerNames: [],
    };
    await harness.publishConnection({ domain, connectionId, auth, status: 'valid' });
    const request = {
      domain,
      connectionId,
      method: 'GET' as const,
      location: `s3://${account.bucket}/${account.key}`,
      range: 'bytes=0-3',
    };
    const stsCalls = jest.spyOn(harness.app.get(PlatformAws).sts, 'send');
    expect(await harness.signWhenApplied(request)).toBeUndefined();

    const first = await harness.sign(request);
    const second = await harness.sign(request);
    const response = await fetch(second.url, { method: second.method, headers: second.headers });
    const assumeRoleCalls = stsCalls.mock.calls.filter(
      ([command]) => (command.input as { RoleArn?: string }).RoleArn === roleArn,
    );
    stsCalls.mockRestore();

    expect(first.headers['x-amz-security-token']).toEqual(expect.any(String));
    expect(second.headers['x-amz-security-token']).toBe(first.headers['x-amz-security-token']);
    expect(assumeRoleCalls).toHaveLength(1);
    expect(response.status).toBe(206);
    expect(await response.text()).toBe(account.content.slice(0, 4));
  });
});

import { RemoteRequestError } from '@s3c/nest-kit';
import {
  BrokerHarness,
  CustomerAccount,
  newConnectionId,
  newDomain,
  sigv4Auth,
} from '../test/broker-harness';

const HEADER_CANARY = 'tenant-header-canary-do-not-leak';

describe('credential broker: secrets at rest (envelope encryption, AAD, domain ownership)', () => {
  const harness = new BrokerHarness();
  const account = new CustomerAccount();
  let reader: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    await Promise.all([harness.start(), account.createBucket()]);
    reader = await account.createReader();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function auth(headerNames: string[] = []) {
    return {
      ...sigv4Auth(account.objectUrl, harness.environment.awsRegion, reader.accessKeyId),
      headerNames,
    };
  }

  it('should store only ciphertext, one encrypted secret per field, when a validation carries sealed secrets', async () => {
    const domain = newDomain();
    const connectionId = newConnectionId();

    const reply = await harness.validate({
      domain,
      connectionId,
      auth: auth(['x-tenant-token']),
      secrets: { secretAccessKey: reader.secretAccessKey, headers: { 'x-tenant-token': HEADER_CANARY } },
    });

    expect(reply.status).toBe('valid');
    const stored = await harness.secretsCollection().findById(connectionId).lean().exec();
    const text = JSON.stringify(stored);
    for (const plaintext of [reader.secretAccessKey, HEADER_CANARY]) {
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain(Buffer.from(plaintext).toString('base64'));
    }
    const encrypted = {
      v: 1,
      kid: expect.stringMatching(/^local-/),
      wrappedKey: expect.any(String),
      iv: expect.any(String),
      ct: expect.any(String),
      tag: expect.any(String),
    };
    expect(stored).toMatchObject({ domain, secretAccessKey: encrypted, headers: encrypted });
    expect(stored?.secretAccessKey?.wrappedKey).not.toBe(stored?.headers?.wrappedKey);
    expect(harness.logs.join('\n')).not.toContain(reader.secretAccessKey);
  });

  it('should answer DECRYPT_FAILED, never the secret, when a ciphertext is copied onto another connection', async () => {
    const domain = newDomain();
    const original = newConnectionId();
    const copy = newConnectionId();
    await harness.validate({
      domain,
      connectionId: original,
      auth: auth(),
      secrets: { secretAccessKey: reader.secretAccessKey },
    });
    const stored = await harness.secretsCollection().findById(original).lean().exec();
    await harness.secretsCollection().create({ _id: copy, domain, secretAccessKey: stored?.secretAccessKey });

    const reply = await harness.validate({ domain, connectionId: copy, auth: auth() });

    expect(reply.status).toBe('invalid');
    expect(reply.statusReason?.code).toBe('DECRYPT_FAILED');
    expect(JSON.stringify(reply)).not.toContain(reader.secretAccessKey);
    expect(harness.logs.join('\n')).not.toContain(reader.secretAccessKey);
  });

  it('should keep decrypting the original connection when its ciphertext was copied elsewhere', async () => {
    const domain = newDomain();
    const original = newConnectionId();
    await harness.validate({
      domain,
      connectionId: original,
      auth: auth(),
      secrets: { secretAccessKey: reader.secretAccessKey },
    });
    const stored = await harness.secretsCollection().findById(original).lean().exec();
    await harness
      .secretsCollection()
      .create({ _id: newConnectionId(), domain, secretAccessKey: stored?.secretAccessKey });

    const reply = await harness.validate({ domain, connectionId: original, auth: auth() });

    expect(reply.status).toBe('valid');
  });

  it('should refuse with DOMAIN_MISMATCH a validation of a connection whose secrets belong to another domain', async () => {
    const owner = newDomain();
    const intruder = newDomain();
    const connectionId = newConnectionId();
    await harness.validate({
      domain: owner,
      connectionId,
      auth: auth(),
      secrets: { secretAccessKey: reader.secretAccessKey },
    });
    const before = await harness.secretsCollection().findById(connectionId).lean().exec();

    const withSecrets = await harness
      .validate({
        domain: intruder,
        connectionId,
        auth: auth(),
        secrets: { secretAccessKey: 'replaced-by-an-intruder' },
      })
      .catch((error: unknown) => error);
    const withoutSecrets = await harness
      .validate({ domain: intruder, connectionId, auth: auth() })
      .catch((error: unknown) => error);

    expect(withSecrets).toBeInstanceOf(RemoteRequestError);
    expect(withSecrets).toMatchObject({ code: 'DOMAIN_MISMATCH' });
    expect(withoutSecrets).toMatchObject({ code: 'DOMAIN_MISMATCH' });
    const after = await harness.secretsCollection().findById(connectionId).lean().exec();
    expect(after?.domain).toBe(owner);
    expect(after?.secretAccessKey).toEqual(before?.secretAccessKey);
  });
});

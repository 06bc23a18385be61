import { promises as fs } from 'node:fs';
import path from 'node:path';
import { JsonLogger } from '@s3c/nest-kit';
import { localKekFile } from './keys/broker-keys';
import { KekRotationErrorCode } from './rotation/kek-rotation.exception';
import { rotateKeyEncryptionKeys, rotationReport } from './rotation/kek-rotation';
import { ConnectionSecretsService } from './secrets/connection-secrets.service';
import {
  BrokerHarness,
  CustomerAccount,
  newConnectionId,
  newDomain,
  sigv4Auth,
} from '../test/broker-harness';

const ROTATE = { reencryptOnly: false, fromLocal: false };
const REENCRYPT_ONLY = { reencryptOnly: true, fromLocal: false };

describe('credential broker: rotation of the local key-encryption key (the rotate-kek command)', () => {
  const harness = new BrokerHarness();
  const account = new CustomerAccount();
  const logger = new JsonLogger('rotate-kek', 'warn', () => undefined);
  let reader: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    await Promise.all([harness.start(), account.createBucket()]);
    reader = await account.createReader();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function auth() {
    return sigv4Auth(account.objectUrl, harness.environment.awsRegion, reader.accessKeyId);
  }

  async function storeConnections(count: number): Promise<{ domain: string; connectionId: string }[]> {
    const connections = Array.from({ length: count }, () => ({
      domain: newDomain(),
      connectionId: newConnectionId(),
    }));
    for (const connection of connections) {
      const reply = await harness.validate({
        ...connection,
        auth: auth(),
        secrets: { secretAccessKey: reader.secretAccessKey },
      });
      expect(reply.status).toBe('valid');
    }
    return connections;
  }

  async function storedSecretCount(): Promise<number> {
    return harness
      .secretsCollection()
      .countDocuments({ secretAccessKey: { $exists: true } })
      .exec();
  }

  it('should rotate the key file and re-encrypt every secret, which the running broker keeps decrypting', async () => {
    const connections = await storeConnections(3);
    const total = await storedSecretCount();

    const result = await rotateKeyEncryptionKeys(harness.config(), ROTATE, logger);

    expect(result.rotatedTo).toMatch(/^local-/);
    expect(result).toMatchObject({ provider: 'local', reencrypted: total, alreadyCurrent: 0, failed: [] });
    const keyFile = JSON.parse(await fs.readFile(localKekFile(harness.config()), 'utf8')) as {
      activeKeyId: string;
      keys: unknown[];
    };
    expect(keyFile.activeKeyId).toBe(result.rotatedTo);
    expect(keyFile.keys.length).toBeGreaterThanOrEqual(2);
    const secrets = harness.app.get(ConnectionSecretsService);
    for (const { domain, connectionId } of connections) {
      const stored = await harness.secretsCollection().findById(connectionId).lean().exec();
      expect(stored?.secretAccessKey?.kid).toBe(result.rotatedTo);
      expect((await secrets.load(domain, connectionId)).secretAccessKey).toBe(reader.secretAccessKey);
      expect((await harness.validate({ domain, connectionId, auth: auth() })).status).toBe('valid');
    }
  });

  it('should re-encrypt 0 on a second run', async () => {
    await storeConnections(2);
    const first = await rotateKeyEncryptionKeys(harness.config(), ROTATE, logger);

    const second = await rotateKeyEncryptionKeys(harness.config(), REENCRYPT_ONLY, logger);

    expect(first.reencrypted).toBeGreaterThanOrEqual(2);
    expect(second).toMatchObject({
      reencrypted: 0,
      alreadyCurrent: first.reencrypted + first.alreadyCurrent,
      failed: [],
    });
    expect(second.rotatedTo).toBeUndefined();
    expect(rotationReport(second).at(-1)).toBe(`re-encrypted 0, already current ${second.alreadyCurrent}`);
  });

  it('should wrap secrets stored after a rotation with the new key, leaving nothing to re-encrypt', async () => {
    const { rotatedTo } = await rotateKeyEncryptionKeys(harness.config(), ROTATE, logger);
    const [stored] = await storeConnections(1);

    const run = await rotateKeyEncryptionKeys(harness.config(), REENCRYPT_ONLY, logger);

    expect(
      (await harness.secretsCollection().findById(stored.connectionId).lean().exec())?.secretAccessKey?.kid,
    ).toBe(rotatedTo);
    expect(run.reencrypted).toBe(0);
  });

  it('should report a secret that does not decrypt and re-encrypt the others', async () => {
    const [original] = await storeConnections(1);
    const damaged = newConnectionId();
    const stored = await harness.secretsCollection().findById(original.connectionId).lean().exec();
    await harness
      .secretsCollection()
      .create({ _id: damaged, domain: original.domain, secretAccessKey: stored?.secretAccessKey });
    try {
      const result = await rotateKeyEncryptionKeys(harness.config(), ROTATE, logger);

      expect(result.failed).toEqual([
        { connectionId: damaged, domain: original.domain, field: 'secretAccessKey', code: 'DECRYPT_FAILED' },
      ]);
      expect(result.reencrypted).toBe((await storedSecretCount()) - 1);
      expect(rotationReport(result).at(-1)).toMatch(/, failed 1$/);
    } finally {
      await harness.secretsCollection().deleteOne({ _id: damaged }).exec();
    }
  });

  it('should refuse to start with ROTATION_IN_PROGRESS while another run holds the lock', async () => {
    const lock = path.join(harness.config().CREDENTIAL_BROKER_KEY_DIR, 'rotate-kek.lock');
    await fs.writeFile(lock, '{}', { flag: 'wx' });
    try {
      await expect(rotateKeyEncryptionKeys(harness.config(), ROTATE, logger)).rejects.toMatchObject({
        code: KekRotationErrorCode.RotationInProgress,
      });
    } finally {
      await fs.rm(lock);
    }
  });

  it('should refuse --from-local with INVALID_ARGUMENTS when the provider is the local key file', async () => {
    await expect(
      rotateKeyEncryptionKeys(harness.config(), { reencryptOnly: false, fromLocal: true }, logger),
    ).rejects.toMatchObject({
      code: KekRotationErrorCode.InvalidArguments,
    });
  });
});

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonLogger } from '@s3c/nest-kit';
import { currentEnvironment } from '@s3c/testing';
import { KekRotationErrorCode } from './rotation/kek-rotation.exception';
import { rotateKeyEncryptionKeys } from './rotation/kek-rotation';
import { ConnectionSecretsService } from './secrets/connection-secrets.service';
import {
  BrokerHarness,
  CustomerAccount,
  newConnectionId,
  newDomain,
  sigv4Auth,
} from '../test/broker-harness';

function kmsVariables(): Record<string, string> {
  const { kmsKeyId } = currentEnvironment();
  if (!kmsKeyId) {
    throw new Error(
      'The integration environment has no CREDENTIAL_BROKER_KMS_KEY_ID (the local AWS seeds alias/s3c-credential-broker)',
    );
  }
  return { CREDENTIAL_BROKER_KEK_PROVIDER: 'kms', CREDENTIAL_BROKER_KMS_KEY_ID: kmsKeyId };
}

const logger = new JsonLogger('rotate-kek', 'warn', () => undefined);

describe('credential broker: key-encryption keys in AWS KMS (local AWS)', () => {
  const account = new CustomerAccount();
  let reader: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    await account.createBucket();
    reader = await account.createReader();
  }, 60_000);

  function auth(harness: BrokerHarness) {
    return sigv4Auth(account.objectUrl, harness.environment.awsRegion, reader.accessKeyId);
  }

  describe('a broker configured with the KMS provider', () => {
    const harness = new BrokerHarness(kmsVariables());

    beforeAll(async () => {
      await harness.start();
    }, 120_000);

    afterAll(async () => {
      await harness.stop();
    });

    it('should store secrets with data keys wrapped by the KMS key and read them back', async () => {
      const domain = newDomain();
      const connectionId = newConnectionId();

      const stored = await harness.validate({
        domain,
        connectionId,
        auth: auth(harness),
        secrets: { secretAccessKey: reader.secretAccessKey },
      });
      const revalidated = await harness.validate({ domain, connectionId, auth: auth(harness) });

      const document = await harness.secretsCollection().findById(connectionId).lean().exec();
      expect(stored.status).toBe('valid');
      expect(revalidated.status).toBe('valid');
      expect(document?.secretAccessKey?.kid).toMatch(
        new RegExp(`^arn:aws:kms:[a-z0-9-]+:\\d{12}:key/${harness.environment.kmsKeyId}$`),
      );
      expect(JSON.stringify(document)).not.toContain(reader.secretAccessKey);
      expect(
        (await harness.app.get(ConnectionSecretsService).load(domain, connectionId)).secretAccessKey,
      ).toBe(reader.secretAccessKey);
    });

    it('should re-encrypt 0 when every secret is wrapped by the configured key, configured by key id and recorded by key ARN', async () => {
      const domain = newDomain();
      const connectionId = newConnectionId();
      await harness.validate({
        domain,
        connectionId,
        auth: auth(harness),
        secrets: { secretAccessKey: reader.secretAccessKey },
      });

      const result = await rotateKeyEncryptionKeys(
        harness.config(),
        { reencryptOnly: false, fromLocal: false },
        logger,
      );

      expect(result).toMatchObject({ provider: 'kms', reencrypted: 0, failed: [] });
      expect(result.alreadyCurrent).toBeGreaterThanOrEqual(1);
      expect(result.rotatedTo).toBeUndefined();
    });
  });

  describe('moving from the local key file to KMS', () => {
    const local = new BrokerHarness();
    let kms: BrokerHarness;
    let connections: { domain: string; connectionId: string }[];

    beforeAll(async () => {
      await local.start();
      connections = [
        { domain: newDomain(), connectionId: newConnectionId() },
        { domain: newDomain(), connectionId: newConnectionId() },
      ];
      for (const connection of connections) {
        await local.validate({
          ...connection,
          auth: auth(local),
          secrets: { secretAccessKey: reader.secretAccessKey },
        });
      }
      await local.stop();
      // The same broker restarted with KMS as the active provider: same database, key directory and
      // consumer group (a new group would answer the recent validations again, under KMS).
      kms = new BrokerHarness({ ...local.overrides, ...kmsVariables() });
      await kms.start();
    }, 180_000);

    afterAll(async () => {
      await kms?.stop();
    });

    it('should keep reading the secrets the local key file wrapped, move them to KMS with --from-local, and converge', async () => {
      const before = await kms.validate({ ...connections[0], auth: auth(kms) });

      const moved = await rotateKeyEncryptionKeys(
        kms.config(),
        { reencryptOnly: false, fromLocal: true },
        logger,
      );
      const again = await rotateKeyEncryptionKeys(
        kms.config(),
        { reencryptOnly: false, fromLocal: true },
        logger,
      );

      expect(before.status).toBe('valid');
      expect(moved).toMatchObject({ provider: 'kms', reencrypted: 2, alreadyCurrent: 0, failed: [] });
      expect(again).toMatchObject({ reencrypted: 0, alreadyCurrent: 2, failed: [] });
      for (const connection of connections) {
        const document = await kms.secretsCollection().findById(connection.connectionId).lean().exec();
        expect(document?.secretAccessKey?.kid).toMatch(/^arn:aws:kms:/);
        expect((await kms.validate({ ...connection, auth: auth(kms) })).status).toBe('valid');
      }
    });

    it('should refuse --from-local with LOCAL_KEY_FILE_MISSING when the key directory has no local key file', async () => {
      const emptyKeyDir = mkdtempSync(path.join(os.tmpdir(), 's3c-broker-keys-'));

      const run = rotateKeyEncryptionKeys(
        kms.config({ CREDENTIAL_BROKER_KEY_DIR: emptyKeyDir }),
        { reencryptOnly: false, fromLocal: true },
        logger,
      );

      await expect(run).rejects.toMatchObject({ code: KekRotationErrorCode.LocalKeyFileMissing });
    });
  });
});

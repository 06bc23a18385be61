import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { generateSealingKeyPair, openJson, seal, type SealedEnvelope } from '@s3c/auth';
import {
  CONNECTION_DELETED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATE_V1,
  connectionSecretsAad,
  deadLetterTopicOf,
  IMPORT_REQUESTED_V1,
  MessageHeader,
  OBJECT_REQUEST_SIGN_V1,
  objectRequestAad,
  PLATFORM_IDENTITY_DESCRIBE_V1,
  replyTopicOf,
} from '@s3c/contracts';
import {
  type ApiAnswer,
  ApiClient,
  ConnectorStack,
  createBucketWith,
  KafkaTestConsumer,
  KafkaTestProducer,
  localAwsClients,
  readAllMessages,
  type ReceivedMessage,
  uniqueName,
  waitFor,
} from '@s3c/testing';

interface Body {
  id?: string;
  status?: string;
  status_reason?: { code: string } | null;
  auth?: Record<string, unknown>;
  error?: { code: string };
  dataset_id?: string;
  import?: { import_id: string };
  import_id?: string;
}

interface Reply {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { code: string };
}

// Sent as a (wrong) secret access key, rotated away, sealed by an intruder: must never show anywhere in clear.
const CANARY_SECRET = `canary-${uniqueName('secret')}-do-not-leak`;

/**
 * One session of two tenants on one stack: REST and Kafka tenant isolation, external IDs, and a search
 * for secrets in everything the session produced (REST answers, logs, every connector topic with its
 * dead-letter and reply topics, the apps' databases).
 */
describe('tenant isolation, external IDs and secrets across a session', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('tenancy');
  const owner = uniqueName('owner').slice(0, 40);
  const intruder = uniqueName('intruder').slice(0, 40);
  let connections: ApiClient;
  let datasets: ApiClient;
  let intruderConnections: ApiClient;
  let intruderDatasets: ApiClient;
  let reader: { accessKeyId: string; secretAccessKey: string };
  let bus: KafkaTestProducer;
  let replies: KafkaTestConsumer;
  let brokerPublicKey: string;

  const requestTopics = [CONNECTION_VALIDATE_V1, OBJECT_REQUEST_SIGN_V1, PLATFORM_IDENTITY_DESCRIBE_V1].map(
    (contract) => contract.topic,
  );
  const consumedTopics = [
    IMPORT_REQUESTED_V1,
    CONNECTION_UPDATED_V1,
    CONNECTION_DELETED_V1,
    CONNECTION_VALIDATE_V1,
    OBJECT_REQUEST_SIGN_V1,
  ].map((contract) => contract.topic);

  beforeAll(async () => {
    replies = await new KafkaTestConsumer(environment.kafkaBrokers).start([
      ...requestTopics.map(replyTopicOf),
      ...consumedTopics.map(deadLetterTopicOf),
    ]);
    await stack.start();
    const [ownerKey, intruderKey] = [stack.createDomainKey(owner), stack.createDomainKey(intruder)];
    await Promise.all([stack.waitUntilImporterKnows(ownerKey), stack.waitUntilImporterKnows(intruderKey)]);
    connections = new ApiClient(stack.apps.connections.baseUrl, ownerKey);
    datasets = new ApiClient(stack.apps['dataset-import'].baseUrl, ownerKey);
    intruderConnections = new ApiClient(stack.apps.connections.baseUrl, intruderKey);
    intruderDatasets = new ApiClient(stack.apps['dataset-import'].baseUrl, intruderKey);
    await createBucketWith(admin.s3, environment, bucket, {
      'fruits.csv': 'name,price\napple,1.5\npear,2\nplum,3\n',
      'ragged.csv': 'id,amount\n1,10\n2\n3,thirty\n',
    });
    const userName = uniqueName('reader');
    await admin.iam.send(new CreateUserCommand({ UserName: userName }));
    await admin.iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:ListBucket'],
              Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            },
          ],
        }),
      }),
    );
    const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    reader = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
    bus = await new KafkaTestProducer(environment.kafkaBrokers).start();
    const identity = await request(
      PLATFORM_IDENTITY_DESCRIBE_V1.topic,
      intruder,
      { domain: intruder },
      intruder,
    );
    brokerPublicKey = String(identity.value?.sealingPublicKey);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await Promise.all([bus?.stop(), replies?.stop()]);
  });

  /** Publishes a request as any client on the bus could, and waits for the broker's reply to it. */
  async function request(topic: string, key: string, value: object, headerDomain: string): Promise<Reply> {
    const correlationId = await bus.send(topic, key, value, headerDomain);
    const [reply] = await replies.waitForMessages(
      (m) => m.topic === replyTopicOf(topic) && m.headers[MessageHeader.CorrelationId] === correlationId,
    );
    return JSON.parse(reply.value ?? '{}') as Reply;
  }

  /** This stack's dead letters: the suites running beside it consume the same topics in groups of their own. */
  function deadLetters(topic: string, key: string): ReceivedMessage[] {
    const groups = [stack.env.CREDENTIAL_BROKER_GROUP_ID, stack.env.DATASET_IMPORT_GROUP_ID];
    return replies.messages.filter(
      (m) =>
        m.topic === deadLetterTopicOf(topic) &&
        m.key === key &&
        groups.includes(m.headers[MessageHeader.DeadLetterConsumerGroup]),
    );
  }

  function sigv4(api: ApiClient, secret: string, key = 'fruits.csv'): Promise<ApiAnswer<Body>> {
    return api.call<Body>('POST', '/api/v1/connections', {
      title: 'Tenant bucket',
      type: 's3',
      auth: {
        method: 'sigv4',
        url: `${environment.awsEndpoint}/${bucket}/${key}`,
        region: environment.awsRegion,
        access_key: reader.accessKeyId,
        secret_access_key: secret,
      },
    });
  }

  /** The importer learns connections from events: asks again while it has not heard of this one (or of its last change). */
  function previewWhen(
    connectionId: string,
    accept: (answer: ApiAnswer<Body>) => boolean,
    api = datasets,
  ): Promise<ApiAnswer<Body>> {
    return waitFor(
      async () => {
        const answer = await api.call<Body>('POST', '/api/v1/sources/preview', {
          connection_id: connectionId,
        });
        return accept(answer) ? answer : undefined;
      },
      { what: `a preview of ${connectionId}` },
    );
  }

  const previewed = (answer: ApiAnswer<Body>) => answer.status === 200;

  async function validConnection(): Promise<string> {
    const created = await sigv4(connections, reader.secretAccessKey);
    expect(created.body.status).toBe('valid');
    await previewWhen(String(created.body.id), previewed);
    return String(created.body.id);
  }

  function importDone(
    datasetId: string,
    importId: string,
  ): Promise<Body & { status: string; error: { code: string } | null }> {
    return waitFor(
      async () => {
        const answer = await datasets.call<Body & { status: string; error: { code: string } | null }>(
          'GET',
          `/api/v1/datasets/${datasetId}/imports/${importId}`,
        );
        return ['succeeded', 'failed', 'unchanged'].includes(answer.body.status) ? answer.body : undefined;
      },
      { timeoutMs: 60_000, what: `import ${importId}` },
    );
  }

  describe('the owner session (sigv4 create, rotate, validate, preview, import, failures)', () => {
    let connectionId: string;
    let datasetId: string;

    it('should create a connection with a wrong secret as invalid, then rotate to the right one and validate it', async () => {
      const created = await sigv4(connections, CANARY_SECRET);
      connectionId = String(created.body.id);

      const rotated = await connections.call<Body>('PATCH', `/api/v1/connections/${connectionId}`, {
        auth: { access_key: reader.accessKeyId, secret_access_key: reader.secretAccessKey },
      });
      const validated = await connections.call<Body>('POST', `/api/v1/connections/${connectionId}/validate`);

      expect([created.status, created.body.status, created.body.status_reason?.code]).toEqual([
        201,
        'invalid',
        'SIGNATURE_MISMATCH',
      ]);
      expect([rotated.body.status, validated.body.status]).toEqual(['valid', 'valid']);
    });

    it('should preview and import the file, and fail an import with rejected rows', async () => {
      await previewWhen(connectionId, previewed);
      const created = await datasets.call<Body>('POST', '/api/v1/datasets', {
        title: 'Fruits',
        dataset_id: uniqueName('fruits'),
        source: { connection_id: connectionId },
      });
      datasetId = String(created.body.dataset_id);
      const ragged = await datasets.call<Body>('POST', '/api/v1/datasets', {
        title: 'Ragged',
        dataset_id: uniqueName('ragged'),
        source: { connection_id: connectionId, location: 'ragged.csv', fields: [{}, { type: 'int' }] },
      });

      expect((await importDone(datasetId, String(created.body.import?.import_id))).status).toBe('succeeded');
      expect(
        (await importDone(String(ragged.body.dataset_id), String(ragged.body.import?.import_id))).error?.code,
      ).toBe('REJECTION_THRESHOLD_EXCEEDED');
    });

    it('should fail an import while the connection holds a wrong secret, and recover after a rotation', async () => {
      const broken = await connections.call<Body>('PATCH', `/api/v1/connections/${connectionId}`, {
        auth: { access_key: reader.accessKeyId, secret_access_key: CANARY_SECRET },
      });
      await previewWhen(connectionId, (answer) => answer.status !== 200);
      const failed = await datasets.call<Body>('POST', `/api/v1/datasets/${datasetId}/imports`, {
        force: true,
      });
      const failedImport = await importDone(datasetId, String(failed.body.import_id));
      await connections.call<Body>('PATCH', `/api/v1/connections/${connectionId}`, {
        auth: { access_key: reader.accessKeyId, secret_access_key: reader.secretAccessKey },
      });

      expect(broken.body.status_reason?.code).toBe('SIGNATURE_MISMATCH');
      expect(failedImport.status).toBe('failed');
      expect((await previewWhen(connectionId, previewed)).status).toBe(200);
    });

    describe('tenant isolation over REST', () => {
      it("should answer 404 on every connection route for another domain's connection", async () => {
        const route = `/api/v1/connections/${connectionId}`;

        const answers = await Promise.all([
          intruderConnections.call('GET', route),
          intruderConnections.call('PATCH', route, { title: 'Stolen' }),
          intruderConnections.call('PATCH', route, {
            auth: { access_key: reader.accessKeyId, secret_access_key: CANARY_SECRET },
          }),
          intruderConnections.call('POST', `${route}/validate`),
          intruderConnections.call('DELETE', route),
        ]);
        const list = await intruderConnections.call<{ items: { id: string }[] }>(
          'GET',
          '/api/v1/connections?limit=100',
        );

        expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404]);
        expect(list.body.items.map((item) => item.id)).not.toContain(connectionId);
        expect((await connections.call<Body & { title: string }>('GET', route)).body).toMatchObject({
          title: 'Tenant bucket',
          status: 'valid',
        });
      });

      it("should answer 404 on every dataset and source route for another domain's dataset and connection", async () => {
        const dataset = await datasets.call<Body & { last_import?: { import_id: string } }>(
          'GET',
          `/api/v1/datasets/${datasetId}`,
        );
        const importId = dataset.body.last_import?.import_id ?? randomUUID();
        const base = `/api/v1/datasets/${datasetId}`;

        const answers = await Promise.all([
          intruderDatasets.call('GET', base),
          intruderDatasets.call('GET', `${base}/records`),
          intruderDatasets.call('POST', `${base}/imports`, { force: true }),
          intruderDatasets.call('GET', `${base}/imports/${importId}`),
          intruderDatasets.call('GET', `${base}/imports/${importId}/rejected`),
          intruderDatasets.call('POST', `${base}/sources`, {
            connection_id: connectionId,
            location: 'fruits.csv',
          }),
          intruderDatasets.call('POST', '/api/v1/sources/preview', { connection_id: connectionId }),
          intruderDatasets.call('POST', '/api/v1/datasets', {
            title: 'Stolen',
            dataset_id: uniqueName('stolen'),
            source: { connection_id: connectionId },
          }),
        ]);

        expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
        expect(answers.map((answer) => answer.text).join('\n')).not.toContain('apple');
      });
    });

    describe('tenant isolation over Kafka (a message whose domain does not own the connection or dataset)', () => {
      it.each([
        ["for another domain's dataset", intruder, 'DATASET_NOT_FOUND'],
        ["whose header domain is not the dataset's domain named in the payload", owner, 'DOMAIN_MISMATCH'],
      ])('should dead-letter an import request %s and queue nothing', async (_case, payloadDomain, code) => {
        const importId = randomUUID();

        await bus.send(
          IMPORT_REQUESTED_V1.topic,
          datasetId,
          { datasetId, domain: payloadDomain, importId, force: true, occurredAt: new Date().toISOString() },
          intruder,
        );

        const [dead] = await waitFor(
          () =>
            deadLetters(IMPORT_REQUESTED_V1.topic, datasetId).some((m) => m.value?.includes(importId))
              ? deadLetters(IMPORT_REQUESTED_V1.topic, datasetId).filter((m) => m.value?.includes(importId))
              : undefined,
          { what: 'the dead letter' },
        );
        expect(dead.headers[MessageHeader.DeadLetterErrorCode]).toBe(code);
        expect((await datasets.call('GET', `/api/v1/datasets/${datasetId}/imports/${importId}`)).status).toBe(
          404,
        );
      });

      it("should refuse to sign a read of another domain's connection", async () => {
        const intruderKeys = generateSealingKeyPair();

        const reply = await request(
          OBJECT_REQUEST_SIGN_V1.topic,
          connectionId,
          { connectionId, domain: intruder, method: 'GET', requesterPublicKey: intruderKeys.publicKey },
          intruder,
        );

        expect(reply).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
      });

      it("should refuse to sign a read of a connection the header's domain does not own, even when the payload names the owner", async () => {
        const intruderKeys = generateSealingKeyPair();

        const reply = await request(
          OBJECT_REQUEST_SIGN_V1.topic,
          connectionId,
          { connectionId, domain: owner, method: 'GET', requesterPublicKey: intruderKeys.publicKey },
          intruder,
        );

        // Evidence when refused wrongly: the intruder opens a request signed with the owner's key.
        const opened = reply.ok
          ? openJson<{ url: string; headers: Record<string, string> }>(
              reply.value?.sealedRequest as SealedEnvelope,
              intruderKeys.privateKey,
              objectRequestAad(owner, connectionId),
            )
          : undefined;
        expect({ ok: reply.ok, signedUrl: opened?.url }).toEqual({ ok: false, signedUrl: undefined });
      });

      /** A validation request for `victim` as the connections service sends it, naming `domain` in its payload. */
      function validationRequest(victim: string, domain: string, sealedSecrets: SealedEnvelope) {
        return {
          connectionId: victim,
          domain,
          auth: {
            method: 'sigv4',
            region: environment.awsRegion,
            url: `${environment.awsEndpoint}/${bucket}/fruits.csv`,
            accessKey: reader.accessKeyId,
            secretAccessKeySet: true,
            headerNames: [],
          },
          sealedSecrets,
          revision: 99,
        };
      }

      it("should refuse to validate (and store secrets for) another domain's connection", async () => {
        const victim = await validConnection();
        const sealedSecrets = seal(
          { secretAccessKey: CANARY_SECRET },
          brokerPublicKey,
          connectionSecretsAad(intruder, victim),
        );

        const reply = await request(
          CONNECTION_VALIDATE_V1.topic,
          victim,
          validationRequest(victim, intruder, sealedSecrets),
          intruder,
        );

        expect(reply).toMatchObject({ ok: false, error: { code: 'DOMAIN_MISMATCH' } });
        expect((await previewWhen(victim, () => true)).status).toBe(200);
      });

      it("should refuse secrets for a connection the header's domain does not own, even when the payload names the owner", async () => {
        const victim = await validConnection();
        const sealedSecrets = seal(
          { secretAccessKey: CANARY_SECRET },
          brokerPublicKey,
          connectionSecretsAad(owner, victim),
        );

        const reply = await request(
          CONNECTION_VALIDATE_V1.topic,
          victim,
          validationRequest(victim, owner, sealedSecrets),
          intruder,
        );

        // When executed, the owner's secret was replaced by the intruder's: the owner's next preview fails.
        const after = await previewWhen(victim, () => true);
        expect({ ok: reply.ok, previewStatus: after.status }).toEqual({ ok: false, previewStatus: 200 });
      });

      it("should not apply another domain's connection snapshot to a connection it does not own", async () => {
        const victim = await validConnection();
        const hijack = {
          connectionId: victim,
          domain: intruder,
          title: 'Hijacked',
          type: 's3',
          auth: {
            method: 'anonymous',
            region: environment.awsRegion,
            url: `${environment.awsEndpoint}/${bucket}/fruits.csv`,
            secretAccessKeySet: false,
            headerNames: [],
          },
          status: 'valid',
          revision: 1000,
          occurredAt: new Date().toISOString(),
        };

        await bus.send(CONNECTION_UPDATED_V1.topic, victim, hijack, intruder);
        // Both consumers of connection events (credential broker, importer) must have handled it before judging.
        await waitFor(() => deadLetters(CONNECTION_UPDATED_V1.topic, victim).length >= 2, {
          timeoutMs: 8_000,
          what: 'two dead letters',
        }).catch(() => undefined);

        const ownerPreview = await datasets.call<Body>('POST', '/api/v1/sources/preview', {
          connection_id: victim,
        });
        const intruderPreview = await intruderDatasets.call<Body>('POST', '/api/v1/sources/preview', {
          connection_id: victim,
        });
        expect({
          deadLetters: deadLetters(CONNECTION_UPDATED_V1.topic, victim).map(
            (m) => m.headers[MessageHeader.DeadLetterErrorCode],
          ),
          ownerPreview: ownerPreview.status,
          intruderPreview: intruderPreview.status,
        }).toEqual({
          deadLetters: ['DOMAIN_MISMATCH', 'DOMAIN_MISMATCH'],
          ownerPreview: 200,
          intruderPreview: 404,
        });
      });

      it("should not delete another domain's connection (nor its secrets) on a deletion event from a domain that does not own it", async () => {
        const victim = await validConnection();

        await bus.send(
          CONNECTION_DELETED_V1.topic,
          victim,
          { connectionId: victim, domain: intruder, revision: 1000, occurredAt: new Date().toISOString() },
          intruder,
        );
        await waitFor(() => deadLetters(CONNECTION_DELETED_V1.topic, victim).length >= 2, {
          timeoutMs: 8_000,
          what: 'two dead letters',
        }).catch(() => undefined);

        const ownerPreview = await datasets.call<Body>('POST', '/api/v1/sources/preview', {
          connection_id: victim,
        });
        expect({
          deadLetters: deadLetters(CONNECTION_DELETED_V1.topic, victim).map(
            (m) => m.headers[MessageHeader.DeadLetterErrorCode],
          ),
          ownerPreview: ownerPreview.status,
        }).toEqual({ deadLetters: ['DOMAIN_MISMATCH', 'DOMAIN_MISMATCH'], ownerPreview: 200 });
      });
    });
  });

  describe('external IDs', () => {
    const iamRole = (api: ApiClient, auth: object = {}) =>
      api.call<Body>('POST', '/api/v1/connections', {
        title: 'Role',
        type: 's3',
        auth: { method: 'iam_role', region: environment.awsRegion, ...auth },
      });

    it('should give each of 50 connections its own external ID, in the documented form', async () => {
      const created: ApiAnswer<Body>[] = [];
      for (let batch = 0; batch < 5; batch += 1) {
        created.push(...(await Promise.all(Array.from({ length: 10 }, () => iamRole(connections)))));
      }

      const externalIds = created.map((answer) => String(answer.body.auth?.external_id));
      expect(created.map((answer) => answer.status)).toEqual(Array(50).fill(201));
      expect(new Set(externalIds).size).toBe(50);
      expect(
        externalIds.filter(
          (id) =>
            !new RegExp(
              `^ods-${owner}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
            ).test(id),
        ),
      ).toEqual([]);
    });

    it('should never take an external ID from the client, whatever it is called', async () => {
      const answers = await Promise.all([
        iamRole(connections, { external_id: `ods-${owner}-00000000-0000-4000-8000-000000000000` }),
        iamRole(connections, { externalId: 'ods-mine' }),
        connections.call<Body>('POST', '/api/v1/connections', {
          title: 'Role',
          type: 's3',
          external_id: 'ods-mine',
          auth: { method: 'iam_role', region: environment.awsRegion },
        }),
      ]);

      expect(
        answers.map((answer) => `${answer.status} ${answer.body.error?.code === undefined ? '' : 'refused'}`),
      ).toEqual(['400 refused', '400 refused', '400 refused']);
      expect(answers[0].body.error?.code).toBe('EXTERNAL_ID_NOT_ALLOWED');
    });

    it('should keep the external ID through a refused change, a title change, a role ARN change and validations', async () => {
      const created = await iamRole(connections);
      const route = `/api/v1/connections/${created.body.id}`;

      const refused = await connections.call<Body>('PATCH', route, { auth: { external_id: 'ods-mine' } });
      const answers = [
        await connections.call<Body>('PATCH', route, { title: 'Renamed' }),
        await connections.call<Body>('PATCH', route, {
          auth: { role_arn: `arn:aws:iam::${'1'.repeat(12)}:role/reader` },
        }),
        await connections.call<Body>('POST', `${route}/validate`),
        await connections.call<Body>('POST', `${route}/validate`),
        await connections.call<Body>('GET', route),
      ];

      expect([refused.status, refused.body.error?.code]).toEqual([400, 'EXTERNAL_ID_NOT_ALLOWED']);
      expect(answers.map((answer) => answer.body.auth?.external_id)).toEqual(
        Array(5).fill(created.body.auth?.external_id),
      );
    });
  });

  describe('secrets', () => {
    it('should never show the canary or the real secret in any REST answer, log line, Kafka message (dead letters and replies included) or database document', async () => {
      const messages = await readAllMessages(environment.kafkaBrokers, (topic) =>
        topic.startsWith('s3connector.'),
      );
      const databases = [
        stack.env.CONNECTIONS_DATABASE,
        stack.env.CREDENTIAL_BROKER_DATABASE,
        stack.env.DATASET_IMPORT_DATABASE,
      ];
      const documents: string[] = [];
      for (const dbName of databases) {
        const connection = await mongoose.createConnection(environment.mongodbUri, { dbName }).asPromise();
        try {
          for (const { name } of await connection.listCollections()) {
            documents.push(
              ...(await connection.collection(name).find({}).toArray()).map((document) =>
                JSON.stringify(document),
              ),
            );
          }
        } finally {
          await connection.close();
        }
      }
      const haystacks: [string, string[]][] = [
        [
          'REST answers',
          [
            ...connections.answers,
            ...datasets.answers,
            ...intruderConnections.answers,
            ...intruderDatasets.answers,
          ],
        ],
        ['logs', stack.logs()],
        ['Kafka', messages.map((m) => `${m.topic} ${m.key} ${m.value} ${JSON.stringify(m.headers)}`)],
        ['databases', documents],
      ];

      const hits = haystacks.map(([where, texts]) => [
        where,
        texts.filter((text) => text.includes(CANARY_SECRET) || text.includes(reader.secretAccessKey)).length,
      ]);

      expect(hits).toEqual([
        ['REST answers', 0],
        ['logs', 0],
        ['Kafka', 0],
        ['databases', 0],
      ]);
      // The search looked at a session that really happened.
      expect(haystacks.map(([, texts]) => texts.length > 10)).toEqual([true, true, true, true]);
      expect(messages.some((m) => m.topic.endsWith('.dlq'))).toBe(true);
    });
  });
});

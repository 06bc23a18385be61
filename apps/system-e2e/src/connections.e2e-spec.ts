import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import {
  CONNECTION_CREATED_V1,
  CONNECTION_DELETED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATED_V1,
  deadLetterTopicOf,
  MessageHeader,
} from '@s3c/contracts';
import { ApiClient, bucketReaderPolicy, ConnectorStack, createBucketWith, createIamUser, KafkaTestConsumer, localAwsClients, uniqueName, waitFor } from '@s3c/testing';

const CANARY_SECRET = `canary-${uniqueName('secret')}-do-not-leak`;
const ROLE_NOT_ASSUMABLE_MESSAGE = 'ODS AWS account is not authorized to assume the role identified by role_arn';

interface ConnectionBody {
  id: string;
  status: 'valid' | 'invalid';
  status_reason: { code: string; message: string; hint?: string } | null;
  auth: Record<string, unknown>;
  setup?: { trust_policy: { Statement: { Principal: { AWS: string }; Condition: object }[] }; access_policy_example: object };
  error?: { code: string; message: string };
}

describe('connections end to end (REST, Kafka, credential broker, local AWS with IAM enforcement)', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('water');
  const domain = uniqueName('mvdomain').slice(0, 40);
  let api: ApiClient;
  let otherDomainApi: ApiClient;
  let events: KafkaTestConsumer;
  const connectionTopics = [CONNECTION_CREATED_V1, CONNECTION_UPDATED_V1, CONNECTION_VALIDATED_V1, CONNECTION_DELETED_V1].map((c) => c.topic);

  beforeAll(async () => {
    events = await new KafkaTestConsumer(environment.kafkaBrokers).start([...connectionTopics, ...connectionTopics.map((topic) => deadLetterTopicOf(topic))]);
    await stack.start();
    api = new ApiClient(stack.apps.connections.baseUrl, stack.createDomainKey(domain));
    otherDomainApi = new ApiClient(stack.apps.connections.baseUrl, stack.createDomainKey(`${domain}-other`));
    await createBucketWith(admin.s3, environment, bucket, { 'test.csv': 'name;price\napple;1.5\n' });
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await events?.stop();
  });

  async function createRole(trustPolicy: object, allowGetObject = true): Promise<string> {
    const roleName = uniqueName('ods-reader');
    const { Role } = await admin.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }));
    if (allowGetObject) {
      await admin.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: 'read-test-csv',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/test.csv` }],
          }),
        }),
      );
    }
    return Role?.Arn ?? '';
  }

  function createReader(actions: string[], resources = bucketReaderPolicy(bucket).resources): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    return createIamUser(admin.iam, { actions, resources });
  }

  describe('the IAM role story of the product documentation', () => {
    let connection: ConnectionBody;

    it('should create an IAM-role connection that is invalid until a role ARN is set, with the account and external ID to trust', async () => {
      const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', {
        title: 'Water quality',
        type: 's3',
        auth: { method: 'iam_role', region: environment.awsRegion },
      });

      expect(created.status).toBe(201);
      connection = created.body;
      expect(connection.auth).toEqual({
        method: 'iam_role',
        region: environment.awsRegion,
        role_arn: null,
        external_id: expect.stringMatching(new RegExp(`^ods-${domain}-[0-9a-f-]{36}$`)),
        ods_aws_account_id: environment.platformAccountId,
      });
      expect(connection.status).toBe('invalid');
      expect(connection.status_reason?.code).toBe('ROLE_ARN_MISSING');
      expect(connection.setup?.trust_policy.Statement[0].Principal.AWS).toBe(`arn:aws:iam::${environment.platformAccountId}:user/ods-platform`);
      expect(connection.setup?.trust_policy.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': connection.auth.external_id } });
    });

    it('should become valid once the role created from the generated trust policy is set as role_arn', async () => {
      const roleArn = await createRole(connection.setup?.trust_policy ?? {});

      const updated = await api.call<ConnectionBody>('PATCH', `/api/v1/connections/${connection.id}`, { auth: { role_arn: roleArn } });

      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ status: 'valid', status_reason: null, auth: { role_arn: roleArn } });
    });

    it('should answer ROLE_NOT_ASSUMABLE with the documented message for a role trusting another external ID', async () => {
      const trust = JSON.parse(JSON.stringify(connection.setup?.trust_policy)) as { Statement: { Condition: object }[] };
      trust.Statement[0].Condition = { StringEquals: { 'sts:ExternalId': `ods-${domain}-00000000-0000-4000-8000-000000000000` } };
      const roleArn = await createRole(trust);

      const updated = await api.call<ConnectionBody>('PATCH', `/api/v1/connections/${connection.id}`, { auth: { role_arn: roleArn } });

      expect(updated.body.status).toBe('invalid');
      expect(updated.body.status_reason).toMatchObject({ code: 'ROLE_NOT_ASSUMABLE', message: ROLE_NOT_ASSUMABLE_MESSAGE });
      expect(updated.body.status_reason?.hint).toContain(environment.platformAccountId);
      expect(updated.body.status_reason?.hint).toContain(String(connection.auth.external_id));
    });

    it('should flag a role that does not require the external ID (confused deputy) as EXTERNAL_ID_NOT_ENFORCED', async () => {
      const trust = JSON.parse(JSON.stringify(connection.setup?.trust_policy)) as { Statement: { Condition?: object }[] };
      delete trust.Statement[0].Condition;
      const roleArn = await createRole(trust);

      const updated = await api.call<ConnectionBody>('PATCH', `/api/v1/connections/${connection.id}`, { auth: { role_arn: roleArn } });

      expect(updated.body.status).toBe('invalid');
      expect(updated.body.status_reason?.code).toBe('EXTERNAL_ID_NOT_ENFORCED');
      expect(updated.body.status_reason?.hint).toContain('sts:ExternalId');
    });

    it('should refuse an external ID chosen by the client, on creation and on update', async () => {
      const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', {
        title: 'Mine',
        type: 's3',
        auth: { method: 'iam_role', region: environment.awsRegion, external_id: 'ods-mine' },
      });
      const updated = await api.call<ConnectionBody>('PATCH', `/api/v1/connections/${connection.id}`, { auth: { external_id: 'ods-mine' } });

      expect(created.status).toBe(400);
      expect(created.body.error?.code).toBe('EXTERNAL_ID_NOT_ALLOWED');
      expect(updated.status).toBe(400);
      expect(updated.body.error?.code).toBe('EXTERNAL_ID_NOT_ALLOWED');
    });

    it('should publish created, updated and validated events keyed by the connection id, without secrets', async () => {
      const messages = await events.waitForMessages((m) => m.key === connection.id, 5);

      expect(new Set(messages.map((m) => m.topic))).toEqual(new Set([CONNECTION_CREATED_V1.topic, CONNECTION_UPDATED_V1.topic, CONNECTION_VALIDATED_V1.topic]));
      for (const message of messages) {
        expect(message.headers).toMatchObject({ [MessageHeader.Domain]: domain, [MessageHeader.SchemaVersion]: '1' });
        expect(message.headers[MessageHeader.CorrelationId]).toEqual(expect.any(String));
      }
    });
  });

  describe('the signature v4 story', () => {
    let reader: { accessKeyId: string; secretAccessKey: string };

    beforeAll(async () => {
      reader = await createReader(['s3:GetObject', 's3:ListBucket', 's3:HeadBucket']);
    });

    function sigv4(url: string, accessKey: string, secret: string, region = environment.awsRegion) {
      return api.call<ConnectionBody>('POST', '/api/v1/connections', {
        title: 'Signed',
        type: 's3',
        auth: { method: 'sigv4', url, region, access_key: accessKey, secret_access_key: secret },
      });
    }

    it('should validate a connection with correct keys and never return the secret', async () => {
      const created = await sigv4(`${environment.awsEndpoint}/${bucket}/test.csv`, reader.accessKeyId, reader.secretAccessKey);

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'valid', auth: { method: 'sigv4', access_key: reader.accessKeyId, secret_access_key_set: true } });
      expect(created.text).not.toContain(reader.secretAccessKey);
    });

    it.each([
      ['a wrong access key', () => ['AKIAWRONGWRONGWRONG0', reader.secretAccessKey], 'test.csv', 'INVALID_ACCESS_KEY'],
      ['a wrong secret', () => [reader.accessKeyId, CANARY_SECRET], 'test.csv', 'SIGNATURE_MISMATCH'],
      ['a missing object', () => [reader.accessKeyId, reader.secretAccessKey], 'missing.csv', 'NO_SUCH_KEY'],
    ])('should report %s with its code', async (_label, keys, key, code) => {
      const [accessKey, secret] = keys();
      const created = await sigv4(`${environment.awsEndpoint}/${bucket}/${key}`, accessKey, secret);

      expect(created.status).toBe(201);
      expect(created.body.status).toBe('invalid');
      expect(created.body.status_reason?.code).toBe(code);
    });

    it('should report a missing bucket with NO_SUCH_BUCKET', async () => {
      // Without permission on a bucket, S3 answers AccessDenied whether it exists or not: this reader may read any.
      const anyBucketReader = await createReader(['s3:GetObject', 's3:ListBucket'], ['*']);

      const created = await sigv4(`${environment.awsEndpoint}/${uniqueName('nobucket')}/test.csv`, anyBucketReader.accessKeyId, anyBucketReader.secretAccessKey);

      expect(created.body.status_reason?.code).toBe('NO_SUCH_BUCKET');
    });

    it('should report keys without permission with ACCESS_DENIED', async () => {
      const listOnly = await createReader(['s3:ListAllMyBuckets']);

      const created = await sigv4(`${environment.awsEndpoint}/${bucket}/test.csv`, listOnly.accessKeyId, listOnly.secretAccessKey);

      expect(created.body.status_reason?.code).toBe('ACCESS_DENIED');
    });

    it('should refuse an endpoint on a cloud metadata address with EGRESS_DENIED', async () => {
      const created = await sigv4('http://169.254.169.254/latest/meta-data', reader.accessKeyId, reader.secretAccessKey);

      expect(created.status).toBe(400);
      expect(created.body.error?.code).toBe('EGRESS_DENIED');
    });

    it('should rotate keys on update and validate the new ones', async () => {
      const created = await sigv4(`${environment.awsEndpoint}/${bucket}/test.csv`, reader.accessKeyId, CANARY_SECRET);
      const rotated = await api.call<ConnectionBody>('PATCH', `/api/v1/connections/${created.body.id}`, {
        auth: { access_key: reader.accessKeyId, secret_access_key: reader.secretAccessKey },
      });

      expect(created.body.status).toBe('invalid');
      expect(rotated.body).toMatchObject({ status: 'valid', status_reason: null });
    });
  });

  describe('tenancy', () => {
    it('should answer 401 without a key or with a wrong key', async () => {
      const anonymous = new ApiClient(stack.apps.connections.baseUrl);
      const wrong = new ApiClient(stack.apps.connections.baseUrl, 's3c_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');

      expect((await anonymous.call('GET', '/api/v1/connections')).status).toBe(401);
      expect((await wrong.call('GET', '/api/v1/connections')).status).toBe(401);
    });

    it("should answer 404 on every route for another domain's connection", async () => {
      const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', { title: 'Private', type: 's3', auth: { method: 'iam_role', region: environment.awsRegion } });
      const route = `/api/v1/connections/${created.body.id}`;

      const answers = await Promise.all([
        otherDomainApi.call('GET', route),
        otherDomainApi.call('PATCH', route, { title: 'Stolen' }),
        otherDomainApi.call('POST', `${route}/validate`),
        otherDomainApi.call('DELETE', route),
      ]);
      const list = await otherDomainApi.call<{ items: { id: string }[] }>('GET', '/api/v1/connections');

      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
      expect(list.body.items.map((item) => item.id)).not.toContain(created.body.id);
      expect((await api.call<ConnectionBody>('GET', route)).body.status).toBe('invalid');
    });

    it('should page the list of a domain and delete a connection with an event', async () => {
      const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', { title: 'Short-lived', type: 's3', auth: { method: 'iam_role', region: environment.awsRegion } });
      const page = await api.call<{ total: number; limit: number; items: unknown[] }>('GET', '/api/v1/connections?limit=2&offset=0');

      const deleted = await api.call('DELETE', `/api/v1/connections/${created.body.id}`);

      expect(page.body.limit).toBe(2);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.total).toBeGreaterThanOrEqual(3);
      expect(deleted.status).toBe(204);
      expect((await api.call('GET', `/api/v1/connections/${created.body.id}`)).status).toBe(404);
      await events.waitForMessages((m) => m.key === created.body.id && m.topic === CONNECTION_DELETED_V1.topic);
    });
  });

  describe('the outbox', () => {
    it('should publish each change exactly once, in order, and keep what the API answered', async () => {
      const created = await api.call<ConnectionBody>('POST', '/api/v1/connections', { title: 'Before', type: 's3', auth: { method: 'iam_role', region: environment.awsRegion } });
      const id = created.body.id;
      const renamed = await api.call<ConnectionBody & { title: string }>('PATCH', `/api/v1/connections/${id}`, { title: 'After' });
      const fetched = await api.call<ConnectionBody & { title: string }>('GET', `/api/v1/connections/${id}`);
      const deleted = await api.call('DELETE', `/api/v1/connections/${id}`);
      await events.waitForMessages((m) => m.key === id && m.topic === CONNECTION_DELETED_V1.topic);
      // Longer than a relay sweep: anything published twice would show by now.
      await new Promise((resolve) => setTimeout(resolve, 6_000));

      const messages = events.messages.filter((m) => m.key === id);
      expect([renamed.body.title, fetched.body.title, deleted.status]).toEqual(['After', 'After', 204]);
      const published = messages.map((m) => [m.topic, (JSON.parse(m.value ?? '{}') as { revision: number }).revision] as const);
      // Topics are ordered each on their own: compare by revision.
      expect([...published].sort((a, b) => a[1] - b[1])).toEqual([
        [CONNECTION_CREATED_V1.topic, 1],
        [CONNECTION_UPDATED_V1.topic, 2],
        [CONNECTION_DELETED_V1.topic, 3],
      ]);
      expect((await api.call('GET', `/api/v1/connections/${id}`)).status).toBe(404);
    });
  });

  describe('the OpenAPI document', () => {
    it('should describe every route of the API', async () => {
      const document = await new ApiClient(stack.apps.connections.baseUrl).call<{ paths: Record<string, object> }>('GET', '/api/docs-json');

      expect(Object.keys(document.body.paths).sort()).toEqual(['/api/v1/connections', '/api/v1/connections/{id}', '/api/v1/connections/{id}/validate']);
      expect(Object.keys(document.body.paths['/api/v1/connections/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    });
  });

  describe('secrets', () => {
    it('should store only ciphertext in the credential broker', async () => {
      const connection = await mongoose.createConnection(environment.mongodbUri, { dbName: stack.env.CREDENTIAL_BROKER_DATABASE }).asPromise();
      try {
        const documents = await connection.collection('connection_secrets').find({}).toArray();
        expect(documents.length).toBeGreaterThan(0);
        expect(JSON.stringify(documents)).not.toContain(CANARY_SECRET);
      } finally {
        await connection.close();
      }
    });

    it('should never show the canary secret in any REST answer, log line or Kafka message', async () => {
      const kafka = new Kafka({ clientId: 'canary-search', brokers: environment.kafkaBrokers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('s3connector.'));
      await admin.disconnect();
      const everything = await new KafkaTestConsumer(environment.kafkaBrokers).start(topics);
      await waitFor(() => everything.messages.length > 0, { what: 'messages to search' });

      const haystacks = [
        ...api.answers,
        ...otherDomainApi.answers,
        ...stack.logs(),
        ...everything.messages.map((m) => `${m.key} ${m.value} ${JSON.stringify(m.headers)}`),
      ];
      await everything.stop();

      expect(haystacks.filter((text) => text.includes(CANARY_SECRET))).toEqual([]);
      expect(stack.logs().length).toBeGreaterThan(10);
    });
  });
});

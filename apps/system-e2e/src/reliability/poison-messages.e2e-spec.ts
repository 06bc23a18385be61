import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type IHeaders, type Producer } from 'kafkajs';
import {
  API_KEY_ISSUED_V1,
  CONNECTION_CREATED_V1,
  CONNECTION_DELETED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATE_V1,
  CONNECTION_VALIDATED_V1,
  deadLetterTopicOf,
  IMPORT_REQUESTED_V1,
  MessageHeader,
  OBJECT_REQUEST_SIGN_V1,
  PLATFORM_IDENTITY_DESCRIBE_V1,
} from '@s3c/contracts';
import { KafkaTestConsumer, uniqueName, waitFor } from '@s3c/testing';
import { numberedCsv, ReliabilityFixture } from './reliability-fixture';

/** Every topic a connector service consumes, and how many consumer groups read it (each dead-letters on its own). */
const CONSUMED: { topic: string; version: number; groups: number }[] = [
  { topic: CONNECTION_CREATED_V1.topic, version: 1, groups: 2 },
  { topic: CONNECTION_UPDATED_V1.topic, version: 1, groups: 2 },
  { topic: CONNECTION_VALIDATED_V1.topic, version: 1, groups: 2 },
  { topic: CONNECTION_DELETED_V1.topic, version: 1, groups: 2 },
  { topic: API_KEY_ISSUED_V1.topic, version: 1, groups: 1 },
  { topic: IMPORT_REQUESTED_V1.topic, version: 1, groups: 1 },
  { topic: CONNECTION_VALIDATE_V1.topic, version: 1, groups: 1 },
  { topic: PLATFORM_IDENTITY_DESCRIBE_V1.topic, version: 1, groups: 1 },
  { topic: OBJECT_REQUEST_SIGN_V1.topic, version: 1, groups: 1 },
];

interface Poison {
  kind: string;
  value: Buffer | null;
  headers: 'valid' | 'none' | 'wrong-version';
  code: string;
}

/** Malformed and hostile payloads, each with the dead-letter code it must get. */
function poisons(): Poison[] {
  let nested = '0';
  for (let depth = 0; depth < 5_000; depth += 1) {
    nested = `[${nested}]`;
  }
  return [
    {
      kind: 'not JSON',
      value: Buffer.from('{"domain": "x", '),
      headers: 'valid',
      code: 'MESSAGE_INVALID_JSON',
    },
    { kind: 'empty value', value: Buffer.alloc(0), headers: 'valid', code: 'MESSAGE_INVALID_JSON' },
    { kind: 'null value (tombstone)', value: null, headers: 'valid', code: 'MESSAGE_INVALID_JSON' },
    { kind: 'random bytes', value: randomBytes(512), headers: 'valid', code: 'MESSAGE_INVALID_JSON' },
    {
      kind: 'invalid UTF-8 in JSON',
      value: Buffer.concat([Buffer.from('{"domain":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      headers: 'valid',
      code: 'MESSAGE_INVALID_PAYLOAD',
    },
    { kind: 'no headers', value: Buffer.from('{}'), headers: 'none', code: 'MESSAGE_MISSING_HEADER' },
    {
      kind: 'schema version 2',
      value: Buffer.from('{}'),
      headers: 'wrong-version',
      code: 'MESSAGE_SCHEMA_VERSION_MISMATCH',
    },
    { kind: 'empty object', value: Buffer.from('{}'), headers: 'valid', code: 'MESSAGE_INVALID_PAYLOAD' },
    { kind: 'JSON array', value: Buffer.from('[1,2,3]'), headers: 'valid', code: 'MESSAGE_INVALID_PAYLOAD' },
    {
      kind: 'JSON string',
      value: Buffer.from('"just a string"'),
      headers: 'valid',
      code: 'MESSAGE_INVALID_PAYLOAD',
    },
    { kind: 'JSON number', value: Buffer.from('42'), headers: 'valid', code: 'MESSAGE_INVALID_PAYLOAD' },
    {
      kind: 'wrong types',
      value: Buffer.from('{"domain":5,"connectionId":[],"revision":"x","force":"yes"}'),
      headers: 'valid',
      code: 'MESSAGE_INVALID_PAYLOAD',
    },
    {
      kind: '__proto__ pollution',
      value: Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
      headers: 'valid',
      code: 'MESSAGE_INVALID_PAYLOAD',
    },
    { kind: 'deeply nested', value: Buffer.from(nested), headers: 'valid', code: 'MESSAGE_INVALID_PAYLOAD' },
    {
      kind: '512 KB string field',
      value: Buffer.from(JSON.stringify({ domain: 'a'.repeat(512 * 1024) })),
      headers: 'valid',
      code: 'MESSAGE_INVALID_PAYLOAD',
    },
  ];
}

function headersFor(poison: Poison, version: number, domain: string): IHeaders {
  switch (poison.headers) {
    case 'none':
      return {};
    case 'wrong-version':
      return {
        [MessageHeader.CorrelationId]: randomUUID(),
        [MessageHeader.SchemaVersion]: String(version + 1),
        [MessageHeader.Domain]: domain,
        [MessageHeader.MessageId]: randomUUID(),
      };
    case 'valid':
      return {
        [MessageHeader.CorrelationId]: randomUUID(),
        [MessageHeader.SchemaVersion]: String(version),
        [MessageHeader.Domain]: domain,
        [MessageHeader.MessageId]: randomUUID(),
        [MessageHeader.ContentType]: 'application/json',
      };
  }
}

describe('poison and fuzzed messages on every consumed topic go to the dead-letter topic; partitions keep flowing', () => {
  const fixture = new ReliabilityFixture({ KAFKA_MAX_HANDLER_ATTEMPTS: '5' });
  const admin = new Kafka({
    clientId: 'reliability-poison',
    brokers: fixture.environment.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer;
  let deadLetters: KafkaTestConsumer;
  let datasetId: string;
  const sent: { topic: string; key: string; poison: Poison; groups: number }[] = [];

  beforeAll(async () => {
    deadLetters = await new KafkaTestConsumer(fixture.environment.kafkaBrokers).start(
      CONSUMED.map(({ topic }) => deadLetterTopicOf(topic)),
    );
    await fixture.setUp();
    await fixture.put('small.csv', numberedCsv(100));
    const connectionId = await fixture.sigv4Connection();
    const created = await fixture.createDataset({ connection_id: connectionId, location: 'small.csv' });
    datasetId = created.datasetId;
    expect(await fixture.importDone(created.datasetId, created.importId)).toMatchObject({
      status: 'succeeded',
      records: 100,
    });
    producer = admin.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await fixture.tearDown();
    await deadLetters?.stop();
  });

  it('should dead-letter each poison once per consuming group, unretried, with its code and the original message', async () => {
    for (const { topic, version, groups } of CONSUMED) {
      for (const poison of poisons()) {
        // Keyed like the real traffic of this dataset: the same partition must keep flowing afterwards.
        const key = topic === IMPORT_REQUESTED_V1.topic ? datasetId : uniqueName('poison');
        const marker = uniqueName('marker');
        const headers = { ...headersFor(poison, version, fixture.domain), 'x-poison-marker': marker };
        await producer.send({ topic, messages: [{ key, value: poison.value, headers }] });
        sent.push({ topic, key: marker, poison, groups });
      }
    }

    const expected = sent.length === 0 ? 0 : sent.reduce((sum, { groups }) => sum + groups, 0);
    await deadLetters.waitForMessages(
      (m) => sent.some(({ key }) => key === m.headers['x-poison-marker']),
      expected,
      180_000,
    );
    const outcome = sent.map(({ topic, key, poison }) => {
      const letters = deadLetters.messages.filter((m) => m.headers['x-poison-marker'] === key);
      return {
        topic,
        kind: poison.kind,
        count: letters.length,
        codes: [...new Set(letters.map((m) => m.headers[MessageHeader.DeadLetterErrorCode]))],
        attempts: [...new Set(letters.map((m) => m.headers[MessageHeader.DeadLetterAttempts]))],
        originalTopic: [...new Set(letters.map((m) => m.headers[MessageHeader.DeadLetterOriginalTopic]))],
        sameValue: letters.every((m) => (m.value ?? '') === (poison.value?.toString() ?? '')),
        hasError: letters.every((m) => (m.headers[MessageHeader.DeadLetterError] ?? '').length > 0),
      };
    });

    expect(outcome).toEqual(
      sent.map(({ topic, poison, groups }) => ({
        topic,
        kind: poison.kind,
        count: groups,
        codes: [poison.code],
        attempts: ['1'],
        originalTopic: [topic],
        sameValue: true,
        hasError: true,
      })),
    );
  });

  it("should refuse a payload whose domain differs from its header's (DOMAIN_MISMATCH)", async () => {
    const marker = uniqueName('marker');
    const value = {
      importId: randomUUID(),
      datasetId,
      domain: fixture.domain,
      occurredAt: new Date().toISOString(),
      force: true,
    };
    await producer.send({
      topic: IMPORT_REQUESTED_V1.topic,
      messages: [
        {
          key: datasetId,
          value: JSON.stringify(value),
          headers: { ...headersFor(poisons()[7], 1, `${fixture.domain}-other`), 'x-poison-marker': marker },
        },
      ],
    });

    const [letter] = await deadLetters.waitForMessages(
      (m) => m.headers['x-poison-marker'] === marker,
      1,
      60_000,
    );

    expect([
      letter.topic,
      letter.headers[MessageHeader.DeadLetterErrorCode],
      letter.headers[MessageHeader.DeadLetterAttempts],
    ]).toEqual([deadLetterTopicOf(IMPORT_REQUESTED_V1.topic), 'DOMAIN_MISMATCH', '1']);
    expect((await fixture.importState(datasetId, value.importId)).status).toBeUndefined();
  });

  it('should keep the partition flowing: a valid command after the poison on the same key is carried out', async () => {
    const importId = randomUUID();
    await producer.send({
      topic: IMPORT_REQUESTED_V1.topic,
      messages: [
        {
          key: datasetId,
          value: JSON.stringify({
            importId,
            datasetId,
            domain: fixture.domain,
            occurredAt: new Date().toISOString(),
            force: true,
          }),
          headers: headersFor(poisons()[7], 1, fixture.domain),
        },
      ],
    });

    const finished = await waitFor(
      async () => {
        const state = await fixture.importState(datasetId, importId);
        return ['succeeded', 'failed'].includes(state.status) ? state : undefined;
      },
      { timeoutMs: 120_000, what: 'the commanded import to finish' },
    );

    expect(finished).toMatchObject({ status: 'succeeded', records: 100, error: null });
  });

  it('should have committed every consumed topic to its end in both consumer groups (nothing stuck)', async () => {
    const kafkaAdmin = admin.admin();
    await kafkaAdmin.connect();
    try {
      const groups = [
        {
          groupId: fixture.stack.env.DATASET_IMPORT_GROUP_ID,
          topics: CONSUMED.filter(
            ({ topic }) =>
              !topic.includes('validate.v1') && !topic.includes('describe') && !topic.includes('sign'),
          ).map(({ topic }) => topic),
        },
        {
          groupId: fixture.stack.env.CREDENTIAL_BROKER_GROUP_ID,
          topics: CONSUMED.filter(
            ({ topic }) =>
              topic.startsWith('s3connector.connection.') ||
              topic.includes('describe') ||
              topic.includes('sign'),
          ).map(({ topic }) => topic),
        },
      ];
      const behind = await waitFor(
        async () => {
          const lagging: string[] = [];
          for (const { groupId, topics } of groups) {
            for (const topic of topics) {
              const [committed] = await kafkaAdmin.fetchOffsets({ groupId, topics: [topic] });
              for (const end of await kafkaAdmin.fetchTopicOffsets(topic)) {
                const offset =
                  committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
                if (end.high !== '0' && offset !== end.high) {
                  lagging.push(`${groupId} ${topic}[${end.partition}] ${offset}/${end.high}`);
                }
              }
            }
          }
          return lagging.length === 0 ? lagging : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 1_000, what: 'every group to commit to the end of its topics' },
      );

      expect(behind).toEqual([]);
    } finally {
      await kafkaAdmin.disconnect();
    }
  });
});

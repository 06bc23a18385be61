import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { ApiClient, ConnectorStack, uniqueName, waitFor } from '@s3c/testing';

// The example consumer of docs/asyncapi.json: written from the document alone, with plain kafkajs, the
// way another platform team would consume the connector — no @s3c/contracts classes, no @s3c/nest-kit.
// Topic names, keys, header and payload schemas all come from the document.

interface Schema {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  enum?: unknown[];
  pattern?: string;
  items?: Schema;
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
}

interface DocumentedMessage {
  headers: Schema;
  payload: Schema;
  bindings: { kafka: { key: Schema } };
  'x-key-property': string;
  examples: { headers: Record<string, string>; payload: Record<string, unknown> }[];
}

interface DocumentedChannel {
  address: string;
  messages: Record<string, { $ref: string }>;
}

const asyncapi = JSON.parse(readFileSync(path.resolve(__dirname, '../../../docs/asyncapi.json'), 'utf8')) as {
  channels: Record<string, DocumentedChannel>;
};

function resolve<T>(pointer: string): T {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], asyncapi) as T;
}

/** The one message of a channel of the document, with the topic it travels on. */
function documented(channelId: string): DocumentedMessage & { topic: string } {
  const channel = asyncapi.channels[channelId];
  const [reference] = Object.values(channel.messages);
  return { ...resolve<DocumentedMessage>(reference.$ref), topic: channel.address };
}

// Keywords that only describe; everything else this checker does not know fails the check.
const ANNOTATIONS = new Set(['description', 'title', 'format', 'examples']);
const CHECKED = new Set([
  '$ref',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'pattern',
  'items',
  'minimum',
  'minLength',
  'maxLength',
  'maxItems',
]);

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

/** A JSON-schema checker for the subset the document uses; returns what is wrong, `[]` when valid. */
function schemaErrors(schema: Schema, value: unknown, at = '$'): string[] {
  const unsupported = Object.keys(schema).filter(
    (keyword) => !CHECKED.has(keyword) && !ANNOTATIONS.has(keyword),
  );
  if (unsupported.length > 0) {
    return [`${at}: this checker does not support ${unsupported.join(', ')}`];
  }
  if (schema.$ref) {
    return schemaErrors(resolve<Schema>(schema.$ref), value, at);
  }
  if (schema.type && !hasType(schema.type, value)) {
    return [`${at}: expected ${schema.type}, got ${JSON.stringify(value)}`];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push(`${at}: shorter than ${schema.minLength}`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push(`${at}: longer than ${schema.maxLength}`);
    }
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    errors.push(`${at}: ${value} is below ${schema.minimum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push(`${at}: more than ${schema.maxItems} items`);
    }
    const items = schema.items;
    if (items) {
      value.forEach((item, index) => errors.push(...schemaErrors(items, item, `${at}[${index}]`)));
    }
  }
  if (hasType('object', value)) {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) {
        errors.push(`${at}: required property ${name} is missing`);
      }
    }
    for (const [name, item] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) {
        errors.push(...schemaErrors(property, item, `${at}.${name}`));
      } else if (schema.additionalProperties === false) {
        errors.push(`${at}: property ${name} is not in the document`);
      }
    }
  }
  return errors;
}

interface Received {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  payload: Record<string, unknown>;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      String(Array.isArray(value) ? value[0] : value),
    ]),
  );
}

/** What a consuming team would run: its own consumer group, reading the topics of the document. */
class ExampleConsumer {
  readonly received: Received[] = [];
  private consumer?: Consumer;
  /** The consumer's group and fetch life, for the error of a wait that times out (it once received nothing in 30 s). */
  private readonly life: string[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly brokers: string[]) {}

  async start(topics: string[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'asyncapi-example-consumer',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
    // As a team would provision them: every topic exists, with a leader, before the consumer joins. A topic
    // missing at subscription (one no app consumes yet) is auto-created by the metadata request and has no
    // leader at first. (Once, in a run under load, this consumer received nothing within its 30 s wait
    // although the apps had consumed the message; this was the first guess. It happened again with the
    // topics provisioned: see `next()` and DEVELOPMENT.md.)
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic })) });
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: uniqueName('asyncapi-example-consumer') });
    const { events } = this.consumer;
    for (const event of [events.GROUP_JOIN, events.REBALANCING, events.CRASH, events.STOP, events.DISCONNECT, events.REQUEST_TIMEOUT]) {
      this.consumer.on(event, (happened: { type: string; payload?: unknown }) => {
        const payload = JSON.stringify(happened.payload ?? {}).slice(0, 300);
        this.life.push(`+${Date.now() - this.startedAt} ms ${happened.type} ${payload}`);
      });
    }
    let fetches = 0;
    this.consumer.on(events.FETCH, () => {
      fetches += 1;
      if (fetches === 1 || fetches % 50 === 0) this.life.push(`+${Date.now() - this.startedAt} ms fetch #${fetches}`);
    });
    const joined = new Promise<void>((resolve) =>
      this.consumer?.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        // Read from the beginning, a topic also holds what other suites sent to it, hostile messages
        // included: a consumer skips what is not JSON instead of crashing on it (this one used to, and
        // then received nothing more).
        let payload: Record<string, unknown>;
        try {
          payload = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
        } catch {
          this.life.push(`+${Date.now() - this.startedAt} ms skipped a message that is not JSON (${topic} ${partition}@${message.offset})`);
          return;
        }
        this.received.push({ topic, key: message.key?.toString() ?? null, headers: headerStrings(message.headers), payload });
      },
    });
    await joined;
  }

  async next(topic: string, key: string): Promise<Received> {
    const waitStarted = Date.now() - this.startedAt;
    try {
      return await waitFor(() => this.received.find((message) => message.topic === topic && message.key === key), {
        what: `a message on ${topic} keyed ${key}`,
      });
    } catch (error) {
      const onTopic = this.received.filter((message) => message.topic === topic);
      const latest = onTopic.slice(-5).map((message) => message.key).join(', ');
      throw new Error(
        `${(error as Error).message} (waited from +${waitStarted} ms). Received ${this.received.length} messages, ${onTopic.length} on that topic (latest keys: ${latest || 'none'}). Consumer: ${this.life.join(' | ')}`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Everything the document says a message must be, as a list of what it is not. */
function contractErrors(message: Received, expected: DocumentedMessage): string[] {
  return [
    ...schemaErrors(expected.bindings.kafka.key, message.key, 'key'),
    ...schemaErrors(expected.headers, message.headers, 'headers'),
    ...schemaErrors(expected.payload, message.payload, 'payload'),
  ];
}

interface ConnectionView {
  _id: string;
  domain: string;
  title: string;
  status: string;
  revision: number;
  deleted: boolean;
  auth: { method: string; region: string };
}

describe('the connection events, consumed from docs/asyncapi.json alone', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const domain = uniqueName('asyncapi').slice(0, 40);
  const created = documented('connectionCreatedV1');
  const consumer = new ExampleConsumer(environment.kafkaBrokers);
  let api: ApiClient;
  let importerStore: Connection;

  beforeAll(async () => {
    await stack.start();
    // The apps create the topics they consume at start; the consumer joins once they exist.
    await consumer.start(
      ['connectionCreatedV1', 'connectionUpdatedV1', 'connectionValidatedV1', 'connectionDeletedV1'].map(
        (channelId) => asyncapi.channels[channelId].address,
      ),
    );
    api = new ApiClient(stack.apps.connections.baseUrl, stack.createDomainKey(domain));
    importerStore = await mongoose
      .createConnection(environment.mongodbUri, {
        dbName: stack.env.DATASET_IMPORT_DATABASE,
        retryWrites: false,
      })
      .asPromise();
  }, 180_000);

  afterAll(async () => {
    await consumer.stop();
    await importerStore?.close();
    await stack.stop();
  });

  async function createConnection(title: string): Promise<string> {
    const answer = await api.call<{ id: string }>('POST', '/api/v1/connections', {
      title,
      type: 's3',
      auth: { method: 'iam_role', region: environment.awsRegion },
    });
    expect(answer.status).toBe(201);
    return answer.body.id;
  }

  function connectionView(connectionId: string): Promise<ConnectionView | null> {
    return importerStore.collection<ConnectionView>('connection_views').findOne({ _id: connectionId });
  }

  it('should accept the example of the document and refuse a message that breaks it, so that the checks below can fail', () => {
    const [example] = created.examples;
    const valid: Received = { topic: created.topic, key: String(example.payload.connectionId), ...example };
    const { revision: _revision, ...withoutRevision } = example.payload;
    const broken: Received = {
      topic: created.topic,
      key: 'not-a-uuid',
      headers: { ...example.headers, 'schema-version': 'one' },
      payload: { ...withoutRevision, status: 'maybe', secretAccessKey: 'leak' },
    };

    expect(contractErrors(valid, created)).toEqual([]);
    expect(contractErrors(broken, created)).toHaveLength(5);
  });

  it('should publish connection.created.v1 keyed by the connection id, with the documented headers and payload, when a connection is created', async () => {
    const connectionId = await createConnection('Water quality');

    const message = await consumer.next(created.topic, connectionId);

    expect(contractErrors(message, created)).toEqual([]);
    expect(message.key).toBe(message.payload[created['x-key-property']]);
    expect(created.topic.endsWith(`.v${message.headers['schema-version']}`)).toBe(true);
    expect(message.headers.domain).toBe(domain);
    expect(message.payload).toMatchObject({
      connectionId,
      domain,
      title: 'Water quality',
      type: 's3',
      auth: { method: 'iam_role', region: environment.awsRegion, secretAccessKeySet: false, headerNames: [] },
      status: 'invalid',
      statusReason: { code: 'ROLE_ARN_MISSING' },
      revision: 1,
    });
  });

  it('should have the dataset-import service apply connection.created.v1 to its connection read model', async () => {
    const connectionId = await createConnection('Read model');

    const view = await waitFor(() => connectionView(connectionId), {
      what: 'the connection in connection_views',
    });

    expect(view).toMatchObject({
      _id: connectionId,
      domain,
      title: 'Read model',
      status: 'invalid',
      revision: 1,
      deleted: false,
      auth: { method: 'iam_role', region: environment.awsRegion },
    });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { IsIn, IsString } from 'class-validator';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { deadLetterTopicOf, defineContract, MessageHeader, type MessageContract } from '@s3c/contracts';
import { BaseServiceConfig, loadConfig } from '../config/config';
import { HealthRegistry } from '../health/health.registry';
import { ServiceFoundationModule } from '../lifecycle/service-foundation.module';
import { createService, type ServiceDefinition } from '../lifecycle/run-service';
import { JsonLogger } from '../logging/json-logger';
import { KafkaConsumerService, NonRetryableMessageError } from './kafka-consumer.service';
import { KafkaProducerService } from './kafka-producer.service';
import { buildHeaders, headerText } from './message-meta';

// @s3c/testing is built on this kit (importing it here would be a dependency cycle), so this suite
// talks to the broker that its global setup started (KAFKA_BROKERS) with the kit and kafkajs alone.

const MAX_ATTEMPTS = 3;

const BEHAVIOURS = ['succeed', 'fail-always', 'fail-twice', 'refuse'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

class KitTestMessage {
  @IsString() domain!: string;
  @IsString() id!: string;
  @IsIn(BEHAVIOURS) behaviour!: Behaviour;
}

/** A transient failure as the apps throw them: coded, retryable (no `retryable: false`). */
class KitTestUnavailableError extends Error {
  readonly code = 'KIT_TEST_UNAVAILABLE';
}

/** Topic names take letters only (s3connector.<entity>.<event>.v<N>); each run gets its own topic. */
function letters(count: number): string {
  return [...randomBytes(count)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

const KIT_TEST_V1: MessageContract<KitTestMessage> = defineContract({
  topic: `s3connector.kit-test.retry-${letters(10)}.v1`,
  version: 1,
  kind: 'event',
  valueClass: KitTestMessage,
  keyOf: (value) => value.id,
});

/** The handler under test: counts every attempt per message id and records the ones it completed. */
@Injectable()
class KitTestHandler {
  readonly attempts = new Map<string, number>();
  readonly processed: string[] = [];

  constructor(consumer: KafkaConsumerService) {
    consumer.subscribe(KIT_TEST_V1, async (value) => {
      const attempt = (this.attempts.get(value.id) ?? 0) + 1;
      this.attempts.set(value.id, attempt);
      switch (value.behaviour) {
        case 'fail-always':
          throw new KitTestUnavailableError(`attempt ${attempt} of ${value.id} failed`);
        case 'fail-twice':
          if (attempt <= 2) {
            throw new KitTestUnavailableError(`attempt ${attempt} of ${value.id} failed`);
          }
          break;
        case 'refuse':
          throw new NonRetryableMessageError('KIT_TEST_REFUSED', `${value.id} cannot be handled`);
        case 'succeed':
          break;
      }
      this.processed.push(value.id);
    });
  }
}

class KitTestConfig extends BaseServiceConfig {
  @IsString() KIT_TEST_GROUP_ID!: string;
}

@Module({})
class KitTestModule {
  static forRoot(config: KitTestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: KitTestModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: KitTestConfig,
          config,
          logger,
          kafka: {
            clientId: 'kit-consumer-test',
            groupId: config.KIT_TEST_GROUP_ID,
            maxHandlerAttempts: MAX_ATTEMPTS,
            retryBackoffMs: 50,
          },
        }),
      ],
      providers: [KitTestHandler],
    };
  }
}

const kitTestService: ServiceDefinition<KitTestConfig> = {
  name: 'kit-consumer-test',
  configClass: KitTestConfig,
  module: (config, logger) => KitTestModule.forRoot(config, logger),
  httpPort: () => 0,
};

/** Polls `probe` until it returns a value other than undefined/false. */
async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Keeps every message of the dead-letter topic, read from the beginning in a group of its own. */
class DeadLetterReader {
  readonly messages: KafkaMessage[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer({ groupId: `kit-dead-letter-reader-${letters(8)}` });
  }

  async start(): Promise<void> {
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.messages.push(message);
      },
    });
    await joined;
  }

  withKey(key: string): KafkaMessage[] {
    return this.messages.filter((message) => message.key?.toString() === key);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

describe('KafkaConsumerService retrying and dead-lettering against the real broker', () => {
  const deadLetterTopic = deadLetterTopicOf(KIT_TEST_V1.topic);
  let app: INestApplication;
  let handler: KitTestHandler;
  let producer: KafkaProducerService;
  let admin: Admin;
  let deadLetters: DeadLetterReader;

  /** Publishes one test message with the standard headers; returns its correlation id. */
  async function publish(id: string, behaviour: Behaviour, key = id): Promise<string> {
    const correlationId = randomUUID();
    const value = Buffer.from(JSON.stringify({ domain: 'mvdomain', id, behaviour }));
    await producer.send(
      KIT_TEST_V1.topic,
      key,
      value,
      buildHeaders(KIT_TEST_V1.version, { domain: 'mvdomain', correlationId }),
    );
    return correlationId;
  }

  /** How many messages the dead-letter topic holds, all partitions together (its end offsets). */
  async function deadLetterCount(): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(deadLetterTopic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  }

  beforeAll(async () => {
    const config = loadConfig(KitTestConfig, {
      ...process.env,
      KIT_TEST_GROUP_ID: `kit-consumer-test-${letters(8)}`,
    });
    app = await createService(
      kitTestService,
      config,
      new JsonLogger(kitTestService.name, 'error', () => undefined),
    );
    await app.init();
    handler = app.get(KitTestHandler);
    producer = app.get(KafkaProducerService);
    const health = app.get(HealthRegistry);
    // Ready = a member of its group, after the kit created the topic and its dead-letter topic.
    await waitFor(async () => (await health.run()).ready, 'the test service to join its consumer group');
    const kafka = new Kafka({
      clientId: 'kit-consumer-test-reader',
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
    deadLetters = new DeadLetterReader(kafka, deadLetterTopic);
    await deadLetters.start();
  });

  afterAll(async () => {
    await Promise.all([deadLetters?.stop(), admin?.disconnect()]);
    await app?.close();
  });

  it('should run a retryable failure exactly maxHandlerAttempts times then dead-letter it with its code, attempts, key, headers and value', async () => {
    const id = randomUUID();

    const correlationId = await publish(id, 'fail-always');

    const [dead] = await waitFor(
      () => deadLetters.withKey(id).length > 0 && deadLetters.withKey(id),
      'the dead letter',
    );
    expect(handler.attempts.get(id)).toBe(MAX_ATTEMPTS);
    expect(handler.processed).not.toContain(id);
    expect(JSON.parse(dead.value?.toString() ?? 'null')).toEqual({
      domain: 'mvdomain',
      id,
      behaviour: 'fail-always',
    });
    const header = (name: string) => headerText(dead.headers, name);
    expect(header(MessageHeader.DeadLetterErrorCode)).toBe('KIT_TEST_UNAVAILABLE');
    expect(header(MessageHeader.DeadLetterAttempts)).toBe(String(MAX_ATTEMPTS));
    expect(header(MessageHeader.DeadLetterOriginalTopic)).toBe(KIT_TEST_V1.topic);
    expect(header(MessageHeader.DeadLetterOriginalOffset)).toMatch(/^\d+$/);
    expect(header(MessageHeader.DeadLetterConsumerGroup)).toMatch(/^kit-consumer-test-/);
    expect(header(MessageHeader.CorrelationId)).toBe(correlationId);
    expect(header(MessageHeader.Domain)).toBe('mvdomain');
    expect(header(MessageHeader.SchemaVersion)).toBe('1');
  });

  it('should keep the partition flowing when a message after a dead-lettered one shares its partition', async () => {
    const key = randomUUID();
    const poisoned = randomUUID();
    const next = randomUUID();

    await publish(poisoned, 'fail-always', key);
    await publish(next, 'succeed', key);

    await waitFor(() => handler.processed.includes(next), 'the next message handled');
    const [dead] = await waitFor(
      () => deadLetters.withKey(key).length > 0 && deadLetters.withKey(key),
      'the dead letter',
    );
    expect(JSON.parse(dead.value?.toString() ?? 'null')).toMatchObject({ id: poisoned });
    expect(handler.attempts.get(poisoned)).toBe(MAX_ATTEMPTS);
    expect(handler.attempts.get(next)).toBe(1);
  });

  it('should handle a message once and dead-letter nothing when the handler fails twice then succeeds', async () => {
    const key = randomUUID();
    const flaky = randomUUID();
    const marker = randomUUID();
    const deadBefore = await deadLetterCount();

    await publish(flaky, 'fail-twice', key);
    // Handled after the flaky one on the same partition: by then any dead letter for it is written.
    await publish(marker, 'succeed', key);

    await waitFor(() => handler.processed.includes(marker), 'the marker handled');
    expect(handler.attempts.get(flaky)).toBe(3);
    expect(handler.processed.filter((id) => id === flaky)).toHaveLength(1);
    expect(await deadLetterCount()).toBe(deadBefore);
  });

  it('should dead-letter a non-retryable error at the first attempt', async () => {
    const id = randomUUID();

    await publish(id, 'refuse');

    const [dead] = await waitFor(
      () => deadLetters.withKey(id).length > 0 && deadLetters.withKey(id),
      'the dead letter',
    );
    expect(handler.attempts.get(id)).toBe(1);
    expect(headerText(dead.headers, MessageHeader.DeadLetterErrorCode)).toBe('KIT_TEST_REFUSED');
    expect(headerText(dead.headers, MessageHeader.DeadLetterAttempts)).toBe('1');
  });
});

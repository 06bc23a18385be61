import { IsString } from 'class-validator';
import type { EachMessagePayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { ContractErrorCode, deadLetterTopicOf, defineContract, MessageHeader } from '@s3c/contracts';
import { HealthRegistry } from '../health/health.registry';
import { JsonLogger } from '../logging/json-logger';
import { KafkaConsumerService, NonRetryableMessageError } from './kafka-consumer.service';
import type { KafkaProducerService } from './kafka-producer.service';
import { buildHeaders } from './message-meta';

class UnitTestMessage {
  @IsString() domain!: string;
  @IsString() id!: string;
}

const UNIT_TEST_V1 = defineContract({
  topic: 's3connector.kit-test.unit.v1',
  version: 1,
  kind: 'event',
  valueClass: UnitTestMessage,
  keyOf: (value) => value.id,
});

interface SentMessage {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders;
}

class TransientError extends Error {
  readonly code = 'UNIT_TEST_UNAVAILABLE';
}

/** Just enough of a kafkajs client for the consumer to start: it hands back the eachMessage callback. */
function fakeKafka(): { kafka: Kafka; eachMessage: Promise<(payload: EachMessagePayload) => Promise<void>> } {
  let capture!: (callback: (payload: EachMessagePayload) => Promise<void>) => void;
  const eachMessage = new Promise<(payload: EachMessagePayload) => Promise<void>>((resolve) => {
    capture = resolve;
  });
  const consumer = {
    events: { GROUP_JOIN: 'join', DISCONNECT: 'disconnect', STOP: 'stop', CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    subscribe: async () => undefined,
    run: async ({ eachMessage: callback }: { eachMessage: (payload: EachMessagePayload) => Promise<void> }) =>
      capture(callback),
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [UNIT_TEST_V1.topic, deadLetterTopicOf(UNIT_TEST_V1.topic)],
    createTopics: async () => true,
  };
  return { kafka: { consumer: () => consumer, admin: () => admin } as unknown as Kafka, eachMessage };
}

async function startConsumer(
  handler: (value: UnitTestMessage) => Promise<void>,
  {
    maxHandlerAttempts = 3,
    respondWith,
  }: { maxHandlerAttempts?: number; respondWith?: (value: UnitTestMessage) => Promise<UnitTestMessage> } = {},
): Promise<{
  service: KafkaConsumerService;
  deliver: (payload: EachMessagePayload) => Promise<void>;
  sent: SentMessage[];
}> {
  const { kafka, eachMessage } = fakeKafka();
  const sent: SentMessage[] = [];
  const producer = {
    send: async (topic: string, key: Buffer | string | null, value: Buffer | null, headers: IHeaders) => {
      sent.push({ topic, key, value, headers });
    },
  } as unknown as KafkaProducerService;
  const service = new KafkaConsumerService(
    kafka,
    { clientId: 'unit', brokers: ['127.0.0.1:9092'], groupId: 'unit', maxHandlerAttempts, retryBackoffMs: 1 },
    producer,
    new JsonLogger('unit', 'error', () => undefined),
    new HealthRegistry(),
  );
  if (respondWith) {
    service.respond(UNIT_TEST_V1, UNIT_TEST_V1, respondWith);
  } else {
    service.subscribe(UNIT_TEST_V1, handler);
  }
  await service.onApplicationBootstrap();
  return { service, deliver: await eachMessage, sent };
}

function payload(heartbeat: () => Promise<void> = async () => undefined): EachMessagePayload {
  const message: KafkaMessage = {
    key: Buffer.from('message-1'),
    value: Buffer.from(JSON.stringify({ domain: 'mvdomain', id: 'message-1' })),
    headers: buildHeaders(1, { domain: 'mvdomain', correlationId: 'correlation-1' }),
    timestamp: String(Date.now()),
    attributes: 0,
    offset: '42',
  };
  return { topic: UNIT_TEST_V1.topic, partition: 2, message, heartbeat, pause: () => () => undefined };
}

describe('KafkaConsumerService', () => {
  it('should run a retryable failure maxHandlerAttempts times then dead-letter it with code, attempts and origin', async () => {
    let attempts = 0;
    const { deliver, sent } = await startConsumer(async () => {
      attempts += 1;
      throw new TransientError('store unavailable');
    });

    await deliver(payload());

    expect(attempts).toBe(3);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe(deadLetterTopicOf(UNIT_TEST_V1.topic));
    expect(sent[0].key?.toString()).toBe('message-1');
    expect(JSON.parse(sent[0].value?.toString() ?? 'null')).toEqual({ domain: 'mvdomain', id: 'message-1' });
    expect(sent[0].headers).toMatchObject({
      [MessageHeader.CorrelationId]: 'correlation-1',
      [MessageHeader.DeadLetterErrorCode]: 'UNIT_TEST_UNAVAILABLE',
      [MessageHeader.DeadLetterAttempts]: '3',
      [MessageHeader.DeadLetterOriginalTopic]: UNIT_TEST_V1.topic,
      [MessageHeader.DeadLetterOriginalPartition]: '2',
      [MessageHeader.DeadLetterOriginalOffset]: '42',
      [MessageHeader.DeadLetterConsumerGroup]: 'unit',
    });
  });

  it('should heartbeat between attempts when a handler keeps failing', async () => {
    let heartbeats = 0;
    const { deliver } = await startConsumer(
      async () => {
        throw new TransientError('store unavailable');
      },
      { maxHandlerAttempts: 4 },
    );

    await deliver(
      payload(async () => {
        heartbeats += 1;
      }),
    );

    expect(heartbeats).toBe(3);
  });

  it('should handle once and dead-letter nothing when the handler succeeds on its third attempt', async () => {
    let attempts = 0;
    const { deliver, sent } = await startConsumer(async () => {
      attempts += 1;
      if (attempts < 3) {
        throw new TransientError('store unavailable');
      }
    });

    await deliver(payload());

    expect(attempts).toBe(3);
    expect(sent).toHaveLength(0);
  });

  it('should dead-letter at the first attempt when the handler throws a NonRetryableMessageError', async () => {
    let attempts = 0;
    const { deliver, sent } = await startConsumer(async () => {
      attempts += 1;
      throw new NonRetryableMessageError('UNIT_TEST_REFUSED', 'cannot be handled');
    });

    await deliver(payload());

    expect(attempts).toBe(1);
    expect(sent[0].headers).toMatchObject({
      [MessageHeader.DeadLetterErrorCode]: 'UNIT_TEST_REFUSED',
      [MessageHeader.DeadLetterAttempts]: '1',
    });
  });

  it('should dead-letter at the first attempt without calling the handler when the payload is invalid', async () => {
    let attempts = 0;
    const { deliver, sent } = await startConsumer(async () => {
      attempts += 1;
    });
    const invalid = payload();
    invalid.message.value = Buffer.from(JSON.stringify({ domain: 'mvdomain' }));

    await deliver(invalid);

    expect(attempts).toBe(0);
    expect(sent[0].headers).toMatchObject({
      [MessageHeader.DeadLetterErrorCode]: ContractErrorCode.InvalidPayload,
      [MessageHeader.DeadLetterAttempts]: '1',
    });
  });

  it('should dead-letter nothing and leave the message uncommitted when a retryable failure happens during shutdown', async () => {
    let attempts = 0;
    const { service, deliver, sent } = await startConsumer(
      async () => {
        attempts += 1;
        await service.onApplicationShutdown();
        throw new TransientError('store unavailable');
      },
      { maxHandlerAttempts: 5 },
    );

    await expect(deliver(payload())).rejects.toMatchObject({ code: 'UNIT_TEST_UNAVAILABLE' });

    expect(attempts).toBe(1);
    expect(sent).toHaveLength(0);
  });

  it('should answer a coded refusal with its code, message and hint on the reply topic', async () => {
    const refusal = Object.assign(new Error('The platform cannot assume the role.'), {
      code: 'ROLE_NOT_ASSUMABLE',
      hint: 'Check the trust policy.',
    });
    const { deliver, sent } = await startConsumer(async () => undefined, {
      respondWith: async () => {
        throw refusal;
      },
    });

    await deliver(payload());

    expect(sent.map((entry) => [entry.topic, JSON.parse(String(entry.value))])).toEqual([
      [
        `${UNIT_TEST_V1.topic}.reply`,
        { ok: false, error: { code: 'ROLE_NOT_ASSUMABLE', message: 'The platform cannot assume the role.', hint: 'Check the trust policy.' } },
      ],
    ]);
  });
});

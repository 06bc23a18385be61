import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { MessageHeader } from '@s3c/contracts';
import type { ReceivedMessage } from './kafka-test-consumer';
import { uniqueName } from './unique-names';
import { waitFor } from './wait-for';

/**
 * Every message the topics matching `filter` hold now, read to the end offsets they had when this was
 * called (dead-letter and reply topics included when the filter takes them).
 */
export async function readAllMessages(
  brokers: string[],
  filter: (topic: string) => boolean,
  timeoutMs = 60_000,
): Promise<ReceivedMessage[]> {
  const kafka = new Kafka({ clientId: 'test-topic-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter(filter);
  const remaining = new Map<string, bigint>();
  for (const topic of topics) {
    for (const offsets of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(offsets.high) > BigInt(offsets.low)) {
        remaining.set(`${topic}:${offsets.partition}`, BigInt(offsets.high) - 1n);
      }
    }
  }
  await admin.disconnect();
  const messages: ReceivedMessage[] = [];
  if (remaining.size === 0) {
    return messages;
  }
  const consumer = kafka.consumer({ groupId: uniqueName('test-topic-reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        messages.push({
          topic,
          partition,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [
              name,
              String(Array.isArray(value) ? value[0] : value),
            ]),
          ),
        });
        const last = remaining.get(`${topic}:${partition}`);
        if (last !== undefined && BigInt(message.offset) >= last) {
          remaining.delete(`${topic}:${partition}`);
        }
      },
    });
    await waitFor(() => remaining.size === 0, {
      timeoutMs,
      what: `the end of ${remaining.size} partition(s)`,
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Publishes raw messages with the connector's headers, as any service on the bus (or an intruder) could. */
export class KafkaTestProducer {
  private readonly producer: Producer;

  constructor(brokers: string[]) {
    this.producer = new Kafka({ clientId: 'test-producer', brokers, logLevel: logLevel.NOTHING }).producer({
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<this> {
    await this.producer.connect();
    return this;
  }

  /** Sends `value` (JSON-encoded unless a string) with the standard headers for `domain`; returns the correlation id. */
  async send(
    topic: string,
    key: string,
    value: unknown,
    domain: string,
    options: { schemaVersion?: number; correlationId?: string } = {},
  ): Promise<string> {
    const correlationId = options.correlationId ?? randomUUID();
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key,
          value: typeof value === 'string' ? value : JSON.stringify(value),
          headers: {
            [MessageHeader.CorrelationId]: correlationId,
            [MessageHeader.SchemaVersion]: String(options.schemaVersion ?? 1),
            [MessageHeader.Domain]: domain,
            [MessageHeader.MessageId]: randomUUID(),
            [MessageHeader.ContentType]: 'application/json',
          },
        },
      ],
    });
    return correlationId;
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}

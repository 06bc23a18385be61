import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { uniqueName } from './unique-names';
import { waitFor } from './wait-for';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]),
  );
}

/** Reads topics from the beginning in its own group and keeps every message, for assertions. */
export class KafkaTestConsumer {
  readonly messages: ReceivedMessage[] = [];
  private consumer?: Consumer;

  constructor(private readonly brokers: string[]) {}

  async start(topics: string[]): Promise<this> {
    const kafka = new Kafka({ clientId: 'test-consumer', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic })) });
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: uniqueName('test-consumer') });
    const joined = new Promise<void>((resolve) => this.consumer?.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.messages.push({
          topic,
          partition,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: headersOf(message.headers),
        });
      },
    });
    await joined;
    return this;
  }

  /** Waits for the messages matching `predicate` until there are `count` of them. */
  async waitForMessages(
    predicate: (message: ReceivedMessage) => boolean,
    count = 1,
    timeoutMs = 30_000,
  ): Promise<ReceivedMessage[]> {
    return waitFor(
      () => {
        const matching = this.messages.filter(predicate);
        return matching.length >= count ? matching : undefined;
      },
      { timeoutMs, what: `${count} Kafka message(s)` },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

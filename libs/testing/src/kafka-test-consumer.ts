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

/** How long a crashed consumer (its broker went away) waits before it starts again. */
const RESTART_DELAY_MS = 1_000;

/** Reads topics from the beginning in its own group and keeps every message, for assertions. */
export class KafkaTestConsumer {
  readonly messages: ReceivedMessage[] = [];
  private consumer?: Consumer;
  private stopping = false;
  private restartWanted = false;
  private restartTimer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly brokers: string[]) {}

  async start(topics: string[]): Promise<this> {
    const kafka = new Kafka({ clientId: 'test-consumer', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic })) });
    await admin.disconnect();
    const consumer = kafka.consumer({
      groupId: uniqueName('test-consumer'),
      // kafkajs restarts a crashed consumer from a timer of its own, and a restart already under way when
      // stop() is called carries on after it (a suite that stopped the broker left a consumer reconnecting
      // after its end, and Jest could not exit). This class restarts it instead, from a timer stop() clears.
      retry: {
        restartOnFailure: async () => {
          this.restartWanted = true;
          return false;
        },
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, () => {
      if (this.restartWanted && !this.stopping) {
        this.restartWanted = false;
        this.restartTimer = setTimeout(() => {
          this.running = this.run(consumer).catch(() => undefined);
        }, RESTART_DELAY_MS);
      }
    });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    this.running = this.run(consumer);
    await this.running;
    await joined;
    return this;
  }

  /** Resolves once the consumer joined its group, or crashed trying. */
  private run(consumer: Consumer): Promise<void> {
    return consumer.run({
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
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // A restart under way connects (or crashes) first: disconnecting after it leaves nothing running.
    await this.running.catch(() => undefined);
    await this.consumer?.disconnect();
  }
}

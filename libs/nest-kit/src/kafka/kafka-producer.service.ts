import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { validatePayload, type MessageContract } from '@s3c/contracts';
import { JsonLogger } from '../logging/json-logger';
import { KAFKA_CLIENT } from './kafka.tokens';
import { buildHeaders, type OutgoingMeta } from './message-meta';

/**
 * The one path by which the service publishes: every message is validated against its contract,
 * keyed by its aggregate id and carries the standard headers.
 */
@Injectable()
export class KafkaProducerService implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connecting?: Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    private readonly logger: JsonLogger,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: true,
      retry: { retries: 5 },
      // Murmur2 on the key, as the Java client: one connection's or dataset's messages share a partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = undefined;
    });
  }

  async publish<T extends object>(
    contract: MessageContract<T>,
    value: T,
    meta: OutgoingMeta,
    extraHeaders: Record<string, string> = {},
  ): Promise<void> {
    const checked = validatePayload(contract.valueClass, value, `${contract.topic} value`);
    await this.send(contract.topic, contract.keyOf(checked), Buffer.from(JSON.stringify(checked)), buildHeaders(contract.version, meta, extraHeaders));
  }

  /** Sends already-encoded bytes (dead letters and replies keep what they carry). */
  async send(topic: string, key: Buffer | string | null, value: Buffer | null, headers: IHeaders): Promise<void> {
    await this.ensureConnected();
    await this.producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
  }

  private ensureConnected(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn(error, 'KafkaProducer'));
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Consumer, type EachMessagePayload, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  assertSameDomain,
  ContractViolationError,
  decodeJson,
  deadLetterTopicOf,
  MessageHeader,
  replyTopicOf,
  validatePayload,
  type MessageContract,
  type MessageMetadata,
} from '@s3c/contracts';
import { HealthRegistry } from '../health/health.registry';
import { JsonLogger } from '../logging/json-logger';
import { redactor } from '../logging/redactor';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
import { KAFKA_CLIENT } from './kafka.tokens';
import { ensureTopics } from './kafka-topics';
import { KafkaProducerService } from './kafka-producer.service';
import { buildHeaders, readMetadata } from './message-meta';

/** Requests older than this have been given up by their sender: answering them would only do stale work. */
const REQUEST_MAX_AGE_MS = 60_000;

export type MessageHandler<T> = (value: T, meta: MessageMetadata, message: KafkaMessage) => Promise<void>;
export type RequestHandler<TRequest, TReply> = (value: TRequest, meta: MessageMetadata) => Promise<TReply>;

/** An error a handler throws when retrying cannot help (bad data, refused domain): straight to the DLQ. */
export class NonRetryableMessageError extends Error {
  override readonly name = 'NonRetryableMessageError';
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ContractViolationError) {
    return false;
  }
  return (error as { retryable?: boolean } | null)?.retryable !== false;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'HANDLER_FAILED';
}

interface Subscription {
  onMessage: (payload: EachMessagePayload) => Promise<void>;
}

/**
 * Runs the service's consumer group: validates every inbound message before use, retries failing
 * handlers with backoff a bounded number of times, then moves the message to `<topic>.dlq` with the
 * error so the partition keeps flowing. Offsets are committed only after a message is handled or
 * dead-lettered (at-least-once: handlers must be idempotent).
 */
@Injectable()
export class KafkaConsumerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions = new Map<string, Subscription>();
  private consumer?: Consumer;
  private stopping = false;
  private joined = false;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly producer: KafkaProducerService,
    private readonly logger: JsonLogger,
    private readonly health: HealthRegistry,
  ) {}

  /** Registers a handler for an event or command topic; call it from a consumer's constructor or onModuleInit. */
  subscribe<T extends object>(contract: MessageContract<T>, handler: MessageHandler<T>): void {
    this.register(contract.topic, async (payload) => {
      const { message, topic } = payload;
      await this.handleWithRetry(payload, async () => {
        const meta = readMetadata(message.headers, contract.version);
        const value = validatePayload(contract.valueClass, decodeJson(message.value, `${topic} value`), `${topic} value`);
        assertSameDomain(value, meta.domain);
        await handler(value, meta, message);
      });
    });
  }

  /**
   * Registers the answering side of a request topic: the handler's result, or its coded error,
   * is published on `<topic>.reply` with the request's correlation id.
   */
  respond<TRequest extends object, TReply extends object>(
    contract: MessageContract<TRequest>,
    replyContract: MessageContract<TReply>,
    handler: RequestHandler<TRequest, TReply>,
  ): void {
    this.register(contract.topic, async (payload) => {
      const { message, topic } = payload;
      if (Date.now() - Number(message.timestamp) > REQUEST_MAX_AGE_MS) {
        return;
      }
      await this.handleWithRetry(payload, async () => {
        const meta = readMetadata(message.headers, contract.version);
        const request = validatePayload(contract.valueClass, decodeJson(message.value, `${topic} value`), `${topic} value`);
        let body: object;
        try {
          // A request claiming another tenant's resource is answered with a refusal, not executed.
          assertSameDomain(request, meta.domain);
          const reply = validatePayload(replyContract.valueClass, await handler(request, meta), `${topic} reply`);
          body = { ok: true, value: reply };
        } catch (error) {
          if (isRetryable(error) && !(error as { code?: unknown }).code) {
            throw error;
          }
          const hint = (error as { hint?: unknown }).hint;
          body = { ok: false, error: { code: errorCode(error), message: (error as Error).message, ...(typeof hint === 'string' ? { hint } : {}) } };
        }
        await this.producer.send(
          replyTopicOf(topic),
          message.key?.toString() ?? null,
          Buffer.from(JSON.stringify(body)),
          buildHeaders(replyContract.version, meta),
        );
      });
    });
  }

  private register(topic: string, onMessage: Subscription['onMessage']): void {
    if (this.consumer) {
      throw new Error(`Cannot subscribe to ${topic} after the consumer has started`);
    }
    if (this.subscriptions.has(topic)) {
      throw new Error(`${topic} already has a handler`);
    }
    this.subscriptions.set(topic, { onMessage });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.subscriptions.size === 0) {
      return;
    }
    if (!this.options.groupId) {
      throw new Error('KafkaModule needs a groupId for a service that consumes messages');
    }
    const topics = [...this.subscriptions.keys()];
    // Ready only as a member of its group: a service that answers HTTP but consumes nothing is not ready.
    this.health.register('kafka-consumer', async () => {
      if (!this.joined) {
        throw new Error(`not a member of consumer group ${this.options.groupId}`);
      }
      return { groupId: this.options.groupId };
    });
    this.consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: true,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    for (const event of [this.consumer.events.DISCONNECT, this.consumer.events.STOP]) {
      this.consumer.on(event, () => {
        this.joined = false;
      });
    }
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.event('error', 'Kafka consumer crashed', { error: payload.error, willRestart: payload.restart }, 'KafkaConsumer');
      if (!payload.restart && !this.stopping) {
        // kafkajs gives up on non-retriable crashes; a service that stops consuming is worse than a restart.
        void sleep(5_000).then(() => this.start(topics));
      }
    });
    // Not awaited: the service boots (and reports not ready) while the broker is away, and joins when it returns.
    void this.start(topics);
  }

  private async start(topics: string[]): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.stopping) {
      return;
    }
    try {
      await ensureTopics(this.kafka, [...topics, ...topics.map(deadLetterTopicOf)], this.options.topicPartitions);
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        // Partitions (of all the topics) are handled side by side; order holds within each one.
        partitionsConsumedConcurrently: 4,
        eachMessage: async (payload) => {
          const subscription = this.subscriptions.get(payload.topic);
          if (subscription) {
            await subscription.onMessage(payload);
          }
        },
      });
      this.logger.event('info', 'Kafka consumer running', { groupId: this.options.groupId, topics }, 'KafkaConsumer');
    } catch (error) {
      this.logger.event('warn', 'Kafka consumer could not start, retrying', { error }, 'KafkaConsumer');
      await consumer.disconnect().catch(() => undefined);
      if (!this.stopping) {
        void sleep(2_000).then(() => this.start(topics));
      }
    }
  }

  private async handleWithRetry(
    { topic, partition, message, heartbeat }: EachMessagePayload,
    handle: () => Promise<void>,
  ): Promise<void> {
    const maxAttempts = this.options.maxHandlerAttempts ?? 5;
    let delay = this.options.retryBackoffMs ?? 200;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handle();
        return;
      } catch (error) {
        const retry = isRetryable(error) && attempt < maxAttempts && !this.stopping;
        this.logger.event(retry ? 'warn' : 'error', retry ? 'Message handler failed, retrying' : 'Message dead-lettered', {
          topic,
          partition,
          offset: message.offset,
          attempt,
          code: errorCode(error),
          error,
        }, 'KafkaConsumer');
        if (!retry) {
          if (this.stopping && isRetryable(error)) {
            // Left uncommitted: the next owner of the partition handles it again.
            throw error;
          }
          await this.deadLetter(topic, partition, message, error, attempt);
          return;
        }
        await sleep(delay);
        // kafkajs heartbeats only between messages: attempts outliving the session would lose the
        // partition, and its next owner would start the message again at attempt 1, for ever.
        await heartbeat();
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    await this.producer.send(deadLetterTopicOf(topic), message.key ?? null, message.value, {
      ...message.headers,
      [MessageHeader.DeadLetterError]: redactor.redactString((error as Error)?.message ?? String(error)),
      [MessageHeader.DeadLetterErrorCode]: errorCode(error),
      [MessageHeader.DeadLetterAttempts]: String(attempts),
      [MessageHeader.DeadLetterOriginalTopic]: topic,
      [MessageHeader.DeadLetterOriginalPartition]: String(partition),
      [MessageHeader.DeadLetterOriginalOffset]: message.offset,
      ...(this.options.groupId ? { [MessageHeader.DeadLetterConsumerGroup]: this.options.groupId } : {}),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch((error: unknown) => this.logger.warn(error, 'KafkaConsumer'));
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Consumer, type Kafka } from 'kafkajs';
import {
  decodeJson,
  MessageHeader,
  replyTopicOf,
  validatePayload,
  type MessageContract,
  type MessageMetadata,
} from '@s3c/contracts';
import { JsonLogger } from '../logging/json-logger';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
import { KAFKA_CLIENT } from './kafka.tokens';
import { ensureTopics } from './kafka-topics';
import { KafkaProducerService } from './kafka-producer.service';
import { headerText, type OutgoingMeta } from './message-meta';

/** A request answered with a coded error by the responding service. */
export class RemoteRequestError extends Error {
  override readonly name = 'RemoteRequestError';
  constructor(
    readonly code: string,
    message: string,
    /** What the requester's user can do about it, when the responder said. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'REQUEST_TIMEOUT';
  readonly retryable = true;
}

interface Pending {
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Replies are only useful for seconds; a short retention keeps reply topics small to scan at start. */
const REPLY_RETENTION = [{ name: 'retention.ms', value: String(15 * 60_000) }];

/**
 * Request/reply over Kafka: the request goes to the contract's topic with a correlation id; the
 * answer comes back on `<topic>.reply`. Each instance reads every reply partition through its own
 * throw-away group (no committed offsets) and keeps the replies whose correlation id it is waiting for.
 */
@Injectable()
export class KafkaRequesterService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pending = new Map<string, Pending>();
  private consumer?: Consumer;
  private ready?: Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly producer: KafkaProducerService,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    const contracts = this.options.requestContracts ?? [];
    if (contracts.length > 0) {
      // Not awaited: the service boots (and reports not-ready) while the broker is away.
      this.ready = this.startReplyConsumer(contracts.map((contract) => replyTopicOf(contract.topic)));
      this.ready.catch(() => undefined);
    }
  }

  private async startReplyConsumer(replyTopics: string[]): Promise<void> {
    const requestTopics = (this.options.requestContracts ?? []).map((contract) => contract.topic);
    await ensureTopics(this.kafka, requestTopics, this.options.topicPartitions);
    await ensureTopics(this.kafka, replyTopics, this.options.topicPartitions, REPLY_RETENTION);
    const consumer = this.kafka.consumer({
      groupId: `${this.options.clientId}-replies-${randomUUID()}`,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: replyTopics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const correlationId = headerText(message.headers, MessageHeader.CorrelationId);
        const pending = correlationId ? this.pending.get(correlationId) : undefined;
        if (!pending || !correlationId) {
          return;
        }
        this.pending.delete(correlationId);
        clearTimeout(pending.timer);
        try {
          pending.resolve(decodeJson(message.value, 'reply'));
        } catch (error) {
          pending.reject(error as Error);
        }
      },
    });
    await joined;
  }

  async request<TRequest extends object, TReply extends object>(
    contract: MessageContract<TRequest>,
    replyContract: MessageContract<TReply>,
    value: TRequest,
    meta: OutgoingMeta,
    timeoutMs = 15_000,
  ): Promise<{ reply: TReply; meta: Pick<MessageMetadata, 'correlationId'> }> {
    if (!this.ready) {
      throw new Error(`${contract.topic} is not among this service's requestContracts`);
    }
    await this.ready;
    const correlationId = meta.correlationId ?? randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RequestTimeoutError(`No reply on ${replyTopicOf(contract.topic)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
    });
    // The timer can fire while the publish below still retries (the broker is down): that rejection is
    // observed by the `await answer` further down, or replaced by the publish error; never left unhandled,
    // which would end the process.
    answer.catch(() => undefined);
    try {
      await this.producer.publish(contract, value, { ...meta, correlationId });
    } catch (error) {
      const pending = this.pending.get(correlationId);
      if (pending) {
        clearTimeout(pending.timer);
        this.pending.delete(correlationId);
      }
      throw error;
    }
    const body = (await answer) as { ok?: boolean; value?: unknown; error?: { code?: string; message?: string; hint?: string } };
    if (body?.ok === true) {
      return { reply: validatePayload(replyContract.valueClass, body.value, `${contract.topic} reply`), meta: { correlationId } };
    }
    throw new RemoteRequestError(body?.error?.code ?? 'REMOTE_ERROR', body?.error?.message ?? 'The request failed', typeof body?.error?.hint === 'string' ? body.error.hint : undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('Service shutting down'));
      this.pending.delete(id);
    }
    await this.consumer?.disconnect().catch((error: unknown) => this.logger.warn(error, 'KafkaRequester'));
  }
}

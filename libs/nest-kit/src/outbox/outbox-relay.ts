import type { Model } from 'mongoose';
import type { JsonLogger } from '../logging/json-logger';
import type { KafkaProducerService } from '../kafka/kafka-producer.service';
import { outboxHeaders, type OutboxEntry } from './outbox';

interface WithOutbox {
  _id: string;
  outbox: OutboxEntry[];
  outboxPending: boolean;
  /** A tombstone: removed once its last event is published. */
  deleted?: boolean;
}

/**
 * Publishes outbox entries and removes them once the broker has acknowledged them. Called right
 * after each write, and on a timer for whatever a crash or a broker outage left behind. Entries of one
 * document go out in order; a repeat after a crash is possible, so consumers are idempotent.
 */
export class OutboxRelay<T extends WithOutbox> {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly model: Model<T>,
    private readonly producer: KafkaProducerService,
    private readonly logger: JsonLogger,
  ) {}

  async relay(documentId: string): Promise<void> {
    const document = await this.model.findById(documentId, { outbox: 1 }).lean<WithOutbox>().exec();
    for (const entry of document?.outbox ?? []) {
      await this.producer.send(entry.topic, entry.key, Buffer.from(entry.payload), outboxHeaders(entry));
      await this.model.updateOne({ _id: documentId } as never, { $pull: { outbox: { id: entry.id } } } as never).exec();
    }
    await this.model
      .updateOne({ _id: documentId, outbox: { $size: 0 } } as never, { $set: { outboxPending: false } } as never)
      .exec();
    await this.model.deleteOne({ _id: documentId, deleted: true, outbox: { $size: 0 } } as never).exec();
  }

  /** Relays after a write without failing the request: the sweep catches up when the broker is away. */
  relaySoon(documentId: string): void {
    this.relay(documentId).catch((error: unknown) =>
      this.logger.event('warn', 'Outbox relay deferred', { documentId, error }, 'Outbox'),
    );
  }

  start(intervalMs = 5_000): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      const pending = await this.model
        .find({ outboxPending: true } as never, { _id: 1 })
        .limit(100)
        .lean<{ _id: string }[]>()
        .exec();
      for (const { _id } of pending) {
        await this.relay(_id);
      }
    } catch (error) {
      this.logger.event('warn', 'Outbox sweep failed, will retry', { error }, 'Outbox');
    }
  }
}

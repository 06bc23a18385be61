import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Model } from 'mongoose';
import type { JsonLogger } from '../logging/json-logger';
import type { KafkaProducerService } from '../kafka/kafka-producer.service';
import type { DocumentLocks } from '../store/document-locks';
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
 * As a Nest provider (subclass it with the model injected) it sweeps from boot to shutdown.
 */
export class OutboxRelay<T extends WithOutbox> implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly relaying = new Map<string, Promise<void>>();

  constructor(
    private readonly model: Model<T>,
    private readonly producer: KafkaProducerService,
    private readonly logger: JsonLogger,
    private readonly locks: DocumentLocks,
    private readonly sweepIntervalMs = 5_000,
  ) {}

  /** One relay of a document at a time: a second call waits and then publishes what is left. */
  relay(documentId: string): Promise<void> {
    const previous = this.relaying.get(documentId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.publishPending(documentId));
    this.relaying.set(documentId, current);
    return current.finally(() => {
      if (this.relaying.get(documentId) === current) {
        this.relaying.delete(documentId);
      }
    });
  }

  private async publishPending(documentId: string): Promise<void> {
    const document = await this.model.findById(documentId, { outbox: 1 }).lean<WithOutbox>().exec();
    const published = new Set<string>();
    try {
      for (const entry of document?.outbox ?? []) {
        await this.producer.send(entry.topic, entry.key, Buffer.from(entry.payload), outboxHeaders(entry));
        published.add(entry.id);
      }
    } finally {
      if (published.size > 0 || document?.outbox.length === 0) {
        await this.removePublished(documentId, published);
      }
    }
  }

  /**
   * Drops the published entries by rewriting the array under the document's lock (FerretDB's `$pull`
   * does not match on a sub-document field), and removes a tombstone once its last event is out.
   */
  private removePublished(documentId: string, published: Set<string>): Promise<void> {
    return this.locks.run(documentId, async () => {
      const current = await this.model.findById(documentId, { outbox: 1, deleted: 1 }).lean<WithOutbox>().exec();
      if (!current) {
        return;
      }
      const remaining = current.outbox.filter((entry) => !published.has(entry.id));
      if (remaining.length === 0 && current.deleted) {
        await this.model.deleteOne({ _id: documentId } as never).exec();
        return;
      }
      await this.model.updateOne({ _id: documentId } as never, { $set: { outbox: remaining, outboxPending: remaining.length > 0 } } as never).exec();
    });
  }

  /** Relays after a write without failing the request: the sweep catches up when the broker is away. */
  relaySoon(documentId: string): void {
    this.relay(documentId).catch((error: unknown) =>
      this.logger.event('warn', 'Outbox relay deferred', { documentId, error }, 'Outbox'),
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(intervalMs = this.sweepIntervalMs): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await Promise.allSettled(this.relaying.values());
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

import { Injectable } from '@nestjs/common';
import {
  CONNECTION_CREATED_V1,
  CONNECTION_DELETED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATED_V1,
  type ConnectionSnapshot,
  type MessageMetadata,
} from '@s3c/contracts';
import { JsonLogger, KafkaConsumerService } from '@s3c/nest-kit';
import { ConnectionViewsRepository } from './connection-views.repository';

type DeletionListener = (domain: string, connectionId: string) => Promise<void>;

/** Keeps the service's view of connections in step with the connections service. */
@Injectable()
export class ConnectionEventsConsumer {
  private readonly deletionListeners: DeletionListener[] = [];

  constructor(
    consumer: KafkaConsumerService,
    private readonly views: ConnectionViewsRepository,
    private readonly logger: JsonLogger,
  ) {
    for (const contract of [CONNECTION_CREATED_V1, CONNECTION_UPDATED_V1, CONNECTION_VALIDATED_V1]) {
      consumer.subscribe(contract, (value, meta) => this.onSnapshot(value, meta));
    }
    consumer.subscribe(CONNECTION_DELETED_V1, async (value) => {
      await this.views.markDeleted(value.domain, value.connectionId, value.revision);
      for (const listener of this.deletionListeners) {
        await listener(value.domain, value.connectionId);
      }
    });
  }

  /** Runs after a connection is deleted (e.g. to destroy its secrets); must be idempotent. */
  onDeleted(listener: DeletionListener): void {
    this.deletionListeners.push(listener);
  }

  private async onSnapshot(value: ConnectionSnapshot, meta: MessageMetadata): Promise<void> {
    const changed = await this.views.applyIfNewer({
      _id: value.connectionId,
      domain: value.domain,
      title: value.title,
      auth: { ...value.auth },
      status: value.status,
      revision: value.revision,
      deleted: false,
      updatedAt: new Date(value.occurredAt),
    });
    this.logger.event('debug', 'Connection view applied', { connectionId: value.connectionId, revision: value.revision, changed, correlationId: meta.correlationId }, 'ConnectionEvents');
  }
}

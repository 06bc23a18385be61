import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { JsonLogger, KafkaProducerService, OutboxRelay } from '@s3c/nest-kit';
import { ConnectionDocument } from './connection.schema';

/** Publishes the connection events queued in each connection document. */
@Injectable()
export class ConnectionOutboxRelay extends OutboxRelay<ConnectionDocument> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@InjectModel(ConnectionDocument.name) model: Model<ConnectionDocument>, producer: KafkaProducerService, logger: JsonLogger) {
    super(model, producer, logger);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
